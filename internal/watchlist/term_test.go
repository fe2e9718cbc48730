package watchlist

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/beatsbyredis/beats/internal/purchases"
)

func TestParseTerm(t *testing.T) {
	tests := []struct {
		raw, text, folded string
		bad               bool
	}{
		{raw: "  Wätched Artîst ", text: "Wätched Artîst", folded: "watched artist"},
		{raw: "𝐺𝑂𝑅𝐸", text: "𝐺𝑂𝑅𝐸", folded: "gore"},
		{raw: strings.Repeat("é", 100), text: strings.Repeat("é", 100), folded: strings.Repeat("e", 100)},
		{raw: strings.Repeat("é", 101), bad: true},
		{raw: "", bad: true},
		{raw: " \t\n", bad: true},
		{raw: "!!!", bad: true},
		{raw: "a\x00b", bad: true},
		{raw: "\xff\xfe", bad: true},
	}
	for _, tt := range tests {
		got, err := ParseTerm(tt.raw)
		if tt.bad {
			if !errors.Is(err, ErrBadTerm) {
				t.Errorf("ParseTerm(%q) = %+v, %v; want ErrBadTerm", tt.raw, got, err)
			}
			continue
		}
		if err != nil || got.Text != tt.text || got.Folded != tt.folded || len(got.ID) != 32 {
			t.Errorf("ParseTerm(%q) = %+v, %v; want text %q folded %q", tt.raw, got, err, tt.text, tt.folded)
		}
	}
	a, _ := ParseTerm("Wätched  Artîst")
	b, _ := ParseTerm("watched artist")
	if a.ID != b.ID {
		t.Errorf("the same folded term has two ids: %s, %s", a.ID, b.ID)
	}
}

func TestIndexKeys(t *testing.T) {
	tests := []struct {
		term string
		keys []string
	}{
		{"gore", []string{"watch:p:gore", "watch:c:gore"}},
		{"x", []string{"watch:w:x", "watch:c:x"}},
		// The longest whole word and the start of the longest other word,
		// for the text; the country's own keys for the other readings.
		{"The Cure", []string{"watch:ws:the cu", "watch:c:the cure", "watch:cs:the cu", "watch:cs:cure th"}},
		{"black night", []string{"watch:ws:black ni", "watch:c:black night", "watch:cs:black ni", "watch:cs:night bl"}},
		{"AC/DC", []string{"watch:ws:ac dc", "watch:c:ac dc", "watch:cs:ac dc", "watch:cs:dc ac"}},
		{"japan cassette", []string{"watch:ws:japan ca", "watch:c:japan cassette", "watch:cs:japan ca", "watch:cs:cassette ja"}},
		{"velvet underground", []string{"watch:ws:velvet un", "watch:c:velvet underground", "watch:cs:velvet un", "watch:cs:underground ve"}},
		{"united states vinyl", []string{"watch:ws:united st", "watch:c:united states vinyl",
			"watch:cs:united st", "watch:cs:vinyl un", "watch:cs:united states vi", "watch:cs:states vinyl un"}},
		{"肉と血を超えて", []string{"watch:ws:肉 と", "watch:c:肉 と 血 を 超 え て",
			"watch:cs:肉 と", "watch:cs:て 肉", "watch:cs:肉 と 血", "watch:cs:え て 肉", "watch:cs:肉 と 血 を", "watch:cs:超 え て 肉",
			"watch:cs:肉 と 血 を 超", "watch:cs:を 超 え て 肉"}},
		{"gore 肉", []string{"watch:ws:gore 肉", "watch:c:gore 肉", "watch:cs:gore 肉", "watch:cs:肉 go"}},
	}
	for _, tt := range tests {
		term, err := ParseTerm(tt.term)
		if err != nil {
			t.Fatal(err)
		}
		if keys := term.indexKeys(); !slices.Equal(keys, tt.keys) {
			t.Errorf("%q: index keys\n %q\nwant\n %q", tt.term, keys, tt.keys)
		}
	}
}

func purchase(artist, item, album, country string) purchases.Purchase {
	return purchases.Purchase{ArtistName: artist, ItemDescription: item, AlbumTitle: album, Country: country}
}

// matchCases are the folding examples and the rules of search
// terms: every folded word present, the last one as a prefix, CJK as a
// phrase, or the term is the country.
var matchCases = []struct {
	term  string
	p     purchases.Purchase
	match bool
}{
	{"watched artist", purchase("Wätched Artîst", "Digital Album", "Songs", "Germany"), true},
	{"gore", purchase("𝐺𝑂𝑅𝐸", "Limited Edition Cassette", "肉と血を超えて", "United States"), true},
	{"gor", purchase("𝐺𝑂𝑅𝐸", "Cassette", "Cassette", "Japan"), true},
	{"ore", purchase("𝐺𝑂𝑅𝐸", "Cassette", "Cassette", "Japan"), false},
	{"gore cass", purchase("𝐺𝑂𝑅𝐸", "Limited Edition Cassette", "x", "Japan"), true},
	{"go cassette", purchase("𝐺𝑂𝑅𝐸", "Limited Edition Cassette", "x", "Japan"), false},
	{"cassette gore", purchase("𝐺𝑂𝑅𝐸", "Limited Edition Cassette", "x", "Japan"), true},
	{"肉と血", purchase("𝐺𝑂𝑅𝐸", "Cassette", "肉と血を超えて", "Japan"), true},
	{"血と肉", purchase("𝐺𝑂𝑅𝐸", "Cassette", "肉と血を超えて", "Japan"), false},
	{"United Kingdom", purchase("Girl Band", "Live at Vicar Street", "Live at Vicar Street", "United Kingdom"), true},
	{"united kingdom", purchase("Girl Band", "Vinyl", "Vinyl", "United States"), false},
	{"Côte d'Ivoire", purchase("A", "B", "B", "Côte d’Ivoire"), true},
	{"japan", purchase("Japanese Breakfast", "Jubilee", "Jubilee", "Canada"), true},
	{"japan", purchase("Mitski", "Be the Cowboy", "Be the Cowboy", "Japan"), true},
	{"japan", purchase("Mitski", "Be the Cowboy", "Be the Cowboy", "Canada"), false},
	{"x", purchase("Malcolm X Tribute", "Tape", "Tape", "France"), true},
	{"x", purchase("Xiu Xiu", "Tape", "Tape", "France"), false},
	// A country and words, as the search reads them: the country first
	// (the last word a prefix) or last (every word whole).
	{"japan cassette", purchase("𝐺𝑂𝑅𝐸", "Limited Edition Cassette", "x", "Japan"), true},
	{"japan cassette", purchase("𝐺𝑂𝑅𝐸", "Limited Edition Cassette", "x", "Canada"), false},
	{"Japan cas", purchase("𝐺𝑂𝑅𝐸", "Limited Edition Cassette", "x", "Japan"), true},
	{"cassette japan", purchase("𝐺𝑂𝑅𝐸", "Limited Edition Cassette", "x", "Japan"), true},
	{"cas japan", purchase("𝐺𝑂𝑅𝐸", "Limited Edition Cassette", "x", "Japan"), false},
	{"vinyl united kingdom", purchase("Girl Band", "Vinyl LP", "Holding Hands", "United Kingdom"), true},
	{"united kingdom vinyl", purchase("Girl Band", "Vinyl LP", "Holding Hands", "United States"), false},
	{"girl vinyl united kingdom", purchase("Girl Band", "Vinyl LP", "Holding Hands", "United Kingdom"), true},
	// The country folded, like the text: more than the search's tag,
	// which wants the name's own punctuation.
	{"korea republic of vinyl", purchase("Say Sue Me", "Vinyl LP", "Where We Were Together", "Korea, Republic of"), true},
}

func TestTermMatches(t *testing.T) {
	for _, tt := range matchCases {
		term, err := ParseTerm(tt.term)
		if err != nil {
			t.Fatal(err)
		}
		if got := term.Matches(tt.p); got != tt.match {
			t.Errorf("%q matches %q/%q/%q in %q = %v, want %v", tt.term, tt.p.ArtistName, tt.p.ItemDescription, tt.p.AlbumTitle, tt.p.Country, got, tt.match)
		}
	}
}

// TestAnchorAmongLookups: a purchase that a term matches always looks in
// every set the term may be indexed under, whatever the term and the text.
func TestAnchorAmongLookups(t *testing.T) {
	for _, tt := range matchCases {
		// anchorFound checks a pair that matches; those of the table must
		// be checked, so the test cannot pass by checking nothing.
		if checked := anchorFound(t, tt.term, tt.p); checked != tt.match {
			t.Errorf("%q in %q: checked %v, want %v (the case's match)", tt.term, tt.p.SearchText(), checked, tt.match)
		}
	}
}

func FuzzAnchorAmongLookups(f *testing.F) {
	for _, tt := range matchCases {
		f.Add(tt.term, tt.p.ArtistName+" "+tt.p.ItemDescription, tt.p.Country)
	}
	f.Fuzz(func(t *testing.T, term, text, country string) {
		anchorFound(t, term, purchase(text, text, text, country))
	})
}

// anchorFound: when raw matches p, one of the sets raw is indexed under is
// among those p looks in. It reports whether it checked that.
func anchorFound(t *testing.T, raw string, p purchases.Purchase) (checked bool) {
	term, err := ParseTerm(raw)
	if err != nil || !term.Matches(p) {
		return false
	}
	lookups := lookupKeys(strings.Fields(p.SearchText()), purchases.Fold(p.Country))
	if len(lookups) == maxLookups {
		return false // a text long enough to be cut: only its first words are looked at
	}
	for _, key := range term.indexKeys() {
		if slices.Contains(lookups, key) {
			return true
		}
	}
	t.Fatalf("%q matches %q in %q but none of its sets %q is among the lookups %q", raw, p.SearchText(), p.Country, term.indexKeys(), lookups)
	return true
}

func TestLookupKeys(t *testing.T) {
	got := lookupKeys([]string{"gore", "肉", "gore", "ab"}, "japan")
	want := []string{"watch:c:japan",
		"watch:w:gore", "watch:p:go", "watch:p:gor", "watch:p:gore", "watch:w:肉", "watch:w:ab", "watch:p:ab",
		"watch:cs:japan go", "watch:cs:japan 肉", "watch:cs:japan ab",
		"watch:ws:gore go", "watch:ws:gore 肉", "watch:ws:gore ab", "watch:ws:肉 go", "watch:ws:肉 肉", "watch:ws:肉 ab",
		"watch:ws:ab go", "watch:ws:ab 肉", "watch:ws:ab ab"}
	if !slices.Equal(got, want) {
		t.Errorf("lookupKeys =\n %q\nwant\n %q", got, want)
	}
	long := strings.Repeat("é", 70)
	var last string
	for _, key := range lookupKeys([]string{long}, "") {
		if strings.HasPrefix(key, "watch:p:") {
			last = key
		}
	}
	if last != "watch:p:"+strings.Repeat("é", 64) {
		t.Errorf("longest prefix looked up is %q, want 64 characters", last)
	}
	many := strings.Fields(strings.Repeat("abcdefghijklmnopqrstuvwxyz ", 80))
	for i := range many {
		many[i] = many[i][i%26:] + fmt.Sprint(i)
	}
	if n := len(lookupKeys(many, "x")); n != maxLookups {
		t.Errorf("a long text looks in %d sets, want the most, %d", n, maxLookups)
	}
}
