package feed

import (
	"context"
	"errors"
	"fmt"
	"math"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func take(t *testing.T, src Source, n int) []Sale {
	t.Helper()
	sales := make([]Sale, 0, n)
	for range n {
		s, err := src.Next(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		sales = append(sales, s)
	}
	return sales
}

func TestSyntheticIsDeterministic(t *testing.T) {
	gen := func(seed int64) []Sale {
		return take(t, NewSynthetic(SyntheticOptions{Seed: seed, Now: fixedNow}), 500)
	}
	a, b, c := gen(7), gen(7), gen(8)
	if !reflect.DeepEqual(a, b) {
		t.Error("the same seed gave different sales")
	}
	if reflect.DeepEqual(a, c) {
		t.Error("different seeds gave the same sales")
	}
	if a[0].UTCDate != unixSeconds(fixedNow()) {
		t.Errorf("first sale at %f, want Now %f", a[0].UTCDate, unixSeconds(fixedNow()))
	}
}

// fmtPattern is how Bandcamp writes an amount in each currency.
var fmtPattern = map[string]*regexp.Regexp{
	"USD": regexp.MustCompile(`^\$(\d+(?:\.\d\d)?)$`),
	"EUR": regexp.MustCompile(`^€(\d+(?:\.\d\d)?)$`),
	"GBP": regexp.MustCompile(`^£(\d+(?:\.\d\d)?)$`),
	"JPY": regexp.MustCompile(`^¥(\d+)$`),
	"CAD": regexp.MustCompile(`^\$(\d+(?:\.\d\d)?) CAD$`),
	"AUD": regexp.MustCompile(`^\$(\d+(?:\.\d\d)?) AUD$`),
	"NZD": regexp.MustCompile(`^\$(\d+(?:\.\d\d)?) NZD$`),
	"SEK": regexp.MustCompile(`^(\d+(?:\.\d\d)?) SEK$`),
	"NOK": regexp.MustCompile(`^(\d+(?:\.\d\d)?) NOK$`),
	"DKK": regexp.MustCompile(`^(\d+(?:\.\d\d)?) DKK$`),
}

// usdPerUnit bounds plausible exchange rates, independently of the generator.
var usdPerUnit = map[string][2]float64{
	"USD": {1, 1}, "EUR": {1, 1.25}, "GBP": {1.15, 1.45}, "JPY": {0.005, 0.01}, "CAD": {0.65, 0.85},
	"AUD": {0.6, 0.8}, "NZD": {0.55, 0.75}, "SEK": {0.08, 0.12}, "NOK": {0.08, 0.12}, "DKK": {0.13, 0.17},
}

var (
	urlPattern  = regexp.MustCompile(`^//[a-z0-9]+\.bandcamp\.com(/(album|track|merch)/-?[a-z0-9]+(-[a-z0-9]+)*)?$`)
	codePattern = regexp.MustCompile(`^[a-z]{2}$`)
)

// checkItem reports what is wrong with one synthetic item.
func checkItem(it Item) []string {
	var bad []string
	fail := func(f string, a ...any) { bad = append(bad, fmt.Sprintf(f, a...)) }
	str := func(p *string) string {
		if p == nil {
			return "<nil>"
		}
		return *p
	}
	artURL := func(id *int64, format string) string {
		if id == nil {
			return ""
		}
		return fmt.Sprintf(format, *id)
	}
	switch it.ItemType {
	case "a", "t":
		if str(it.SlugType) != it.ItemType || it.ArtID == nil || it.PackageImageID != nil || it.Releases != nil ||
			!strings.Contains(it.URL, map[string]string{"a": "/album/", "t": "/track/"}[it.ItemType]) ||
			it.ArtURL != artURL(it.ArtID, "https://f4.bcbits.com/img/a%010d_7.jpg") {
			fail("digital item fields")
		}
		if it.ItemType == "a" && it.AlbumTitle != nil {
			fail("album with an album_title")
		}
	case "p":
		merch := str(it.SlugType) == "p" && it.AlbumTitle == nil && strings.Contains(it.URL, "/merch/")
		edition := str(it.SlugType) == "a" && it.AlbumTitle != nil && strings.Contains(it.URL, "/album/")
		if !(merch || edition) || it.ArtID != nil || it.PackageImageID == nil || it.Releases != nil ||
			it.ArtURL != artURL(it.PackageImageID, "https://f4.bcbits.com/img/%010d_37.jpg") {
			fail("physical item fields")
		}
	case "b":
		if it.SlugType != nil || it.Releases == nil || *it.Releases < 2 || it.ArtID == nil || it.AlbumTitle != nil ||
			!strings.HasPrefix(it.ItemDescription, "full digital discography (") || strings.Count(it.URL, "/") != 2 {
			fail("discography fields")
		}
	default:
		fail("item_type %q", it.ItemType)
	}
	if !urlPattern.MatchString(it.URL) {
		fail("url %q", it.URL)
	}
	if !codePattern.MatchString(it.CountryCode) || it.Country == "" {
		fail("country %q %q", it.CountryCode, it.Country)
	}
	m := fmtPattern[it.Currency].FindStringSubmatch(it.AmountPaidFmt)
	if m == nil {
		fail("amount_paid_fmt %q in %s", it.AmountPaidFmt, it.Currency)
	} else if v, _ := strconv.ParseFloat(m[1], 64); v != it.AmountPaid {
		fail("amount_paid_fmt %q for amount_paid %v", it.AmountPaidFmt, it.AmountPaid)
	}
	if r := usdPerUnit[it.Currency]; it.AmountPaidUSD < it.AmountPaid*r[0]-0.01 || it.AmountPaidUSD > it.AmountPaid*r[1]+0.01 {
		fail("%v %s is %v USD", it.AmountPaid, it.Currency, it.AmountPaidUSD)
	}
	overpaid := it.AmountPaid > it.ItemPrice
	if (it.AmountOverFmt != nil) != overpaid || it.ItemPrice < 0 || it.AmountPaid <= 0 {
		fail("amount_over_fmt %q with paid %v price %v", str(it.AmountOverFmt), it.AmountPaid, it.ItemPrice)
	}
	if overpaid && fmtPattern[it.Currency].FindString(*it.AmountOverFmt) == "" {
		fail("amount_over_fmt %q", *it.AmountOverFmt)
	}
	if it.ID != PurchaseID(it.UTCDate, it.URL) || !utf8.ValidString(it.ArtistName+it.ItemDescription) || it.ArtistName == "" {
		fail("id or names")
	}
	return bad
}

func TestSyntheticFields(t *testing.T) {
	sales := take(t, NewSynthetic(SyntheticOptions{Seed: 1, Now: fixedNow}), 4000)
	var items []Item
	multi := 0
	for i, s := range sales {
		if i > 0 && s.UTCDate < sales[i-1].UTCDate {
			t.Fatalf("sale %d goes back in time", i)
		}
		if len(s.Items) > 1 {
			multi++
		}
		for _, it := range s.Items {
			if it.UTCDate < s.UTCDate || it.UTCDate > s.UTCDate+0.3 || it.CountryCode != s.Items[0].CountryCode {
				t.Errorf("checkout at %f: item at %f from %s", s.UTCDate, it.UTCDate, it.CountryCode)
			}
			if bad := checkItem(it); bad != nil {
				t.Errorf("%v in %+v", bad, it)
			}
			items = append(items, it)
		}
	}
	if f := float64(multi) / float64(len(sales)); f < 0.08 || f > 0.25 {
		t.Errorf("%.0f%% multi-item checkouts, want some (about 15%%)", 100*f)
	}
	has := func(pred func(Item) bool) int {
		n := 0
		for _, it := range items {
			if pred(it) {
				n++
			}
		}
		return n
	}
	anyRune := func(in func(rune) bool) func(Item) bool {
		return func(it Item) bool { return strings.IndexFunc(it.ArtistName, in) >= 0 }
	}
	between := func(lo, hi rune) func(rune) bool { return func(r rune) bool { return r >= lo && r <= hi } }
	for _, c := range []struct {
		name     string
		pred     func(Item) bool
		min, max float64 // share of items
	}{
		{"Latin with diacritics", anyRune(between(0xC0, 0x24F)), 0.01, 1},
		{"Japanese", anyRune(func(r rune) bool { return unicode.In(r, unicode.Hiragana, unicode.Katakana, unicode.Han) }), 0.01, 1},
		{"Cyrillic", anyRune(func(r rune) bool { return unicode.Is(unicode.Cyrillic, r) }), 0.01, 1},
		{"Korean", anyRune(func(r rune) bool { return unicode.Is(unicode.Hangul, r) }), 0.005, 1},
		{"Greek", anyRune(func(r rune) bool { return unicode.Is(unicode.Greek, r) }), 0.005, 1},
		{"mathematical alphanumerics", anyRune(between(0x1D400, 0x1D7FF)), 0.01, 1},
		{"emoji", anyRune(between(0x1F300, 0x1FAFF)), 0.005, 1},
		{"':' in the name", func(it Item) bool { return strings.Contains(it.ArtistName, ":") }, 0.01, 1},
		{"pay what you want", func(it Item) bool { return it.ItemPrice == 0 }, 0.02, 0.15},
		{"overpaid a price", func(it Item) bool { return it.ItemPrice > 0 && it.AmountOverFmt != nil }, 0.03, 0.15},
		{"album_title null", func(it Item) bool { return it.AlbumTitle == nil }, 0.35, 0.75},
		{"discography", func(it Item) bool { return it.ItemType == "b" }, 0.005, 0.05},
		{"physical", func(it Item) bool { return it.ItemType == "p" }, 0.15, 0.3},
		{"merch", func(it Item) bool { return it.SlugType != nil && *it.SlugType == "p" }, 0.01, 0.15},
		{"bought in the US", func(it Item) bool { return it.CountryCode == "us" }, 0.2, 0.4},
		{"sold in yen", func(it Item) bool { return it.Currency == "JPY" }, 0.01, 0.2},
		{"sold in AUD", func(it Item) bool { return it.Currency == "AUD" }, 0.005, 0.1},
		{"sold in SEK", func(it Item) bool { return it.Currency == "SEK" }, 0.005, 0.1},
	} {
		if f := float64(has(c.pred)) / float64(len(items)); f < c.min || f > c.max {
			t.Errorf("%s: %.2f%% of items, want %.1f%%–%.0f%%", c.name, 100*f, 100*c.min, 100*c.max)
		}
	}
}

func TestSyntheticRate(t *testing.T) {
	for _, rate := range []float64{0.5, 1, 5, 40} {
		t.Run(fmt.Sprint(rate), func(t *testing.T) {
			const n = 4000
			src := NewSynthetic(SyntheticOptions{Rate: rate, Seed: 3, Now: fixedNow})
			if src.Mode() != "synthetic" {
				t.Errorf("mode %q", src.Mode())
			}
			sales := take(t, src, n)
			got := float64(n-1) / (sales[n-1].UTCDate - sales[0].UTCDate)
			if math.Abs(got-rate)/rate > 0.08 {
				t.Errorf("%.3f checkouts a second, want %v", got, rate)
			}
		})
	}
	if s := NewSynthetic(SyntheticOptions{Rate: math.NaN()}); s.rate != 1 {
		t.Errorf("a NaN rate gave %v, want the default 1", s.rate)
	}
}

func TestSyntheticCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := NewSynthetic(SyntheticOptions{}).Next(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Next = %v, want context.Canceled", err)
	}
}
