package feed

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"
)

// validItem is one real item (the recording's first), as JSON fields.
func validItem(over map[string]any) map[string]any {
	it := map[string]any{
		"utc_date": 1599688803.5175, "artist_name": "Girl Band", "item_type": "a",
		"item_description": "Live at Vicar Street", "album_title": nil, "slug_type": "a",
		"track_album_slug_text": nil, "currency": "USD", "amount_paid": 9.99, "item_price": 9.99,
		"amount_paid_usd": 9.99, "country": "United Kingdom", "art_id": 206405257, "releases": nil,
		"package_image_id": nil, "url": "//girlbanddublin.bandcamp.com/album/live-at-vicar-street",
		"country_code": "gb", "amount_paid_fmt": "$9.99", "art_url": "https://f4.bcbits.com/img/a0206405257_7.jpg",
	}
	for k, v := range over {
		if v == "<absent>" {
			delete(it, k)
		} else {
			it[k] = v
		}
	}
	return it
}

// answerWith is an answer of the recording's first window holding one
// checkout of the given item.
func answerWith(t testing.TB, item map[string]any) Answer {
	t.Helper()
	body, err := json.Marshal(map[string]any{
		"start_date": 1599688800, "end_date": 1599688860, "server_time": 1599688869,
		"events": []any{map[string]any{"event_type": "sale", "utc_date": 1599688803.5175, "items": []any{item}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	a, err := DecodeAnswer(body)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestValidationRules runs hostile values (each one found in the wild or in
// a test of the pipeline) and the feed's real quirks through the decoder
// and the rules: the hostile ones come out as Rejected with a reason, the
// quirks as items.
func TestValidationRules(t *testing.T) {
	recorded := 1599688803.5175
	clock := time.Unix(1599688900, 0) // a minute and a half after the window
	cases := []struct {
		name   string
		over   map[string]any
		now    time.Time
		reason string // "" when the item must be accepted
		check  func(t *testing.T, it Item)
	}{
		{"the real item", nil, clock, "", nil},
		{"amount 1e308", map[string]any{"amount_paid_usd": 1e308}, clock, "amount_paid_usd 1e+308 is not between 0 and 100000", nil},
		{"amount -1e308", map[string]any{"amount_paid_usd": -1e308}, clock, "amount_paid_usd -1e+308", nil},
		{"negative amount", map[string]any{"amount_paid_usd": -1}, clock, "amount_paid_usd -1 ", nil},
		{"negative local amount", map[string]any{"amount_paid": -5}, clock, "amount_paid -5 ", nil},
		{"local amount too large", map[string]any{"item_price": 2e10}, clock, "item_price 2e+10 ", nil},
		{"amount 12.5x", map[string]any{"amount_paid_usd": "12.5x"}, clock, `amount_paid_usd "12.5x" is not a number`, nil},
		{"amount NaN", map[string]any{"amount_paid_usd": "NaN"}, clock, `amount_paid_usd "NaN" is not a number`, nil},
		{"amount Infinity", map[string]any{"amount_paid": "Infinity"}, clock, `amount_paid "Infinity" is not a number`, nil},
		{"amount as hex", map[string]any{"amount_paid_usd": "0x1p4"}, clock, "is not a number", nil},
		{"amount true", map[string]any{"amount_paid_usd": true}, clock, "amount_paid_usd true is not a number", nil},
		{"amount a list", map[string]any{"amount_paid_usd": []int{1}}, clock, "amount_paid_usd a list is not a number", nil},
		{"id not a number", map[string]any{"art_id": "206405257x"}, clock, "art_id", nil},
		{"utc_date in milliseconds", map[string]any{"utc_date": recorded * 1000}, clock, "utc_date 1.5996888035175e+12 is not a time", nil},
		{"utc_date 1e300", map[string]any{"utc_date": 1e300}, clock, "utc_date 1e+300 is not a time", nil},
		{"utc_date -5", map[string]any{"utc_date": -5}, clock, "utc_date -5 is not a time", nil},
		{"utc_date two days from its answer", map[string]any{"utc_date": recorded + 2*86400}, time.Time{}, "from its answer's time", nil},
		{"utc_date ahead of the clock", nil, time.Unix(1599688700, 0), "ahead of the clock", nil},
		{"utc_date 30 s ahead of the clock", nil, time.Unix(int64(recorded)-30, 0), "", nil},
		{"no url", map[string]any{"url": "<absent>"}, clock, "no url", nil},
		{"url null", map[string]any{"url": "null"}, clock, "no url", nil},
		{"no artist", map[string]any{"artist_name": " "}, clock, "no artist_name", nil},
		{"text too long", map[string]any{"item_description": strings.Repeat("é", MaxText)}, clock, "item_description is 8192 bytes long", nil},
		// The feed's real quirks keep working.
		{"numbers as strings", map[string]any{"amount_paid_usd": "12.5", "amount_paid": " 10 ", "utc_date": "1599688803.5175"}, clock, "",
			func(t *testing.T, it Item) {
				if it.AmountPaidUSD != 12.5 || it.AmountPaid != 10 || it.UTCDate != recorded {
					t.Errorf("item %+v", it)
				}
			}},
		{"addl_count as a string", map[string]any{"addl_count": "2", "art_id": "206405257.0"}, clock, "",
			func(t *testing.T, it Item) {
				if it.AddlCount == nil || *it.AddlCount != 2 || *it.ArtID != 206405257 {
					t.Errorf("item %+v", it)
				}
			}},
		{"nulls, null strings and empty amounts", map[string]any{"amount_paid": "", "item_price": nil, "releases": "null",
			"album_title": "null", "art_id": nil}, clock, "",
			func(t *testing.T, it Item) {
				if it.AmountPaid != 0 || it.ItemPrice != 0 || it.Releases != nil || it.ArtID != nil {
					t.Errorf("item %+v", it)
				}
			}},
		{"no utc_date: the checkout's", map[string]any{"utc_date": "<absent>"}, clock, "",
			func(t *testing.T, it Item) {
				if it.UTCDate != recorded {
					t.Errorf("utc_date %v, want the checkout's %v", it.UTCDate, recorded)
				}
			}},
		{"amount at the bound", map[string]any{"amount_paid_usd": MaxAmountUSD}, clock, "", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sales := salesOf(answerWith(t, validItem(c.over)), nil, c.now)
			if len(sales) != 1 {
				t.Fatalf("%d sales, want 1", len(sales))
			}
			s := sales[0]
			if c.reason == "" {
				if len(s.Items) != 1 || len(s.Rejected) != 0 {
					t.Fatalf("items %+v, rejected %+v; want the item accepted", s.Items, s.Rejected)
				}
				if c.check != nil {
					c.check(t, s.Items[0])
				}
				return
			}
			if len(s.Items) != 0 || len(s.Rejected) != 1 {
				t.Fatalf("items %+v, rejected %+v; want the item rejected", s.Items, s.Rejected)
			}
			r := s.Rejected[0]
			if !strings.Contains(r.Reason, c.reason) || !strings.HasPrefix(r.Reason, "invalid purchase: ") {
				t.Errorf("reason %q, want it to mention %q", r.Reason, c.reason)
			}
			if r.ID == "" || !json.Valid(r.Item) {
				t.Errorf("rejected %+v: want an id and the item's JSON", r)
			}
			// A lone rejected checkout rides on a sale at its answer's time.
			if s.UTCDate != 1599688869 {
				t.Errorf("carrier sale at %v, want the answer's server_time", s.UTCDate)
			}
		})
	}
}

// TestRejectedKeepsWhatTheFeedSaid: a dead letter shows the bad value as it
// came, not as it was read.
func TestRejectedKeepsWhatTheFeedSaid(t *testing.T) {
	a := answerWith(t, validItem(map[string]any{"amount_paid_usd": "12.5x"}))
	r := salesOf(a, nil, time.Time{})[0].Rejected[0]
	if !strings.Contains(string(r.Item), `"amount_paid_usd":"12.5x"`) {
		t.Errorf("rejected item %s does not show the feed's value", r.Item)
	}
	if r.ID != PurchaseID(1599688803.5175, "//girlbanddublin.bandcamp.com/album/live-at-vicar-street") {
		t.Errorf("id %s", r.ID)
	}
}

// TestRejectsRideWithTheAnswersSales: a checkout whose only item is bad
// gives its reject to the answer's first valid sale, which keeps its time.
func TestRejectsRideWithTheAnswersSales(t *testing.T) {
	body := fmt.Sprintf(`{"server_time":1599688869,"events":[
		{"event_type":"sale","utc_date":1599688810,"items":[%s]},
		{"event_type":"sale","utc_date":1599688805,"items":[%s, %s]}]}`,
		mustJSON(t, validItem(map[string]any{"utc_date": 1599688810, "url": "//a"})),
		mustJSON(t, validItem(map[string]any{"utc_date": 1599688805, "amount_paid_usd": -1})),
		mustJSON(t, validItem(map[string]any{"utc_date": 1599688805, "url": ""})))
	a, err := DecodeAnswer([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	sales := salesOf(a, nil, time.Time{})
	if len(sales) != 1 || sales[0].UTCDate != 1599688810 || len(sales[0].Items) != 1 || len(sales[0].Rejected) != 2 {
		t.Fatalf("sales %+v", sales)
	}
}

// TestNonFiniteWordsCostOnlyTheirItems: Python's json module writes NaN,
// Infinity and -Infinity bare, which is not JSON. An answer carrying them
// (a recording that went through Python) keeps its valid purchases, and
// each item with such a value is refused with its reason, not the whole
// answer skipped.
func TestNonFiniteWordsCostOnlyTheirItems(t *testing.T) {
	good := mustJSON(t, validItem(map[string]any{"utc_date": 1599688810, "url": "//good.bandcamp.com/album/a"}))
	body := `{"server_time":1599688869,"events":[
		{"event_type":"sale","utc_date":1599688805,"items":[` +
		strings.Replace(mustJSON(t, validItem(map[string]any{"utc_date": 1599688805})), `"amount_paid_usd":9.99`, `"amount_paid_usd": NaN`, 1) + `]},
		{"event_type":"sale","utc_date":1599688806,"items":[` +
		strings.Replace(mustJSON(t, validItem(map[string]any{"utc_date": 1599688806})), `"item_price":9.99`, `"item_price":Infinity`, 1) + `]},
		{"event_type":"sale","utc_date":1599688807,"items":[` +
		strings.Replace(mustJSON(t, validItem(map[string]any{"utc_date": 1599688807, "artist_name": "NaN, Infinity"})), `"amount_paid":9.99`, `"amount_paid":-Infinity`, 1) + `]},
		{"event_type":"sale","utc_date":1599688810,"items":[` + good + `]}]}`
	a, err := DecodeAnswer([]byte(body))
	if err != nil {
		t.Fatalf("the answer is lost to its non-finite words: %v", err)
	}
	sales := salesOf(a, nil, time.Time{})
	if len(sales) != 1 || len(sales[0].Items) != 1 || sales[0].Items[0].URL != "//good.bandcamp.com/album/a" {
		t.Fatalf("sales %+v, want the one valid purchase", sales)
	}
	want := []string{`amount_paid_usd "NaN" is not a number`, `item_price "Infinity" is not a number`, `amount_paid "-Infinity" is not a number`}
	if len(sales[0].Rejected) != len(want) {
		t.Fatalf("rejected %+v, want %d", sales[0].Rejected, len(want))
	}
	for i, r := range sales[0].Rejected {
		if !strings.Contains(r.Reason, want[i]) {
			t.Errorf("reject %d: reason %q, want it to say %q", i, r.Reason, want[i])
		}
	}
	// Text that merely holds the words is left as it is.
	if !strings.Contains(string(sales[0].Rejected[2].Item), `"artist_name":"NaN, Infinity"`) {
		t.Errorf("a name holding the words was changed: %s", sales[0].Rejected[2].Item)
	}
}

// TestItemCheckOnValues covers the rules the store applies again, on
// values that JSON cannot carry.
func TestItemCheckOnValues(t *testing.T) {
	now := time.Now()
	ok := Values{UTCDate: unixSeconds(now), AmountUSD: 1, URL: "//a", ArtistName: "a"}
	if err := ok.Check(now); err != nil {
		t.Fatal(err)
	}
	for name, v := range map[string]Values{
		"NaN amount":  {UTCDate: ok.UTCDate, AmountUSD: math.NaN(), URL: "//a", ArtistName: "a"},
		"+Inf amount": {UTCDate: ok.UTCDate, AmountUSD: math.Inf(1), URL: "//a", ArtistName: "a"},
		"NaN time":    {UTCDate: math.NaN(), URL: "//a", ArtistName: "a"},
		"-Inf price":  {UTCDate: ok.UTCDate, ItemPrice: math.Inf(-1), URL: "//a", ArtistName: "a"},
	} {
		if err := v.Check(now); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: Check = %v, want ErrInvalid", name, err)
		}
	}
}

func mustJSON(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// FuzzItemCheck feeds arbitrary item objects through the decoder and the
// rules. Whatever is accepted must be sane, and must be accepted again
// after the trip through the purchases stream (the publisher encodes the
// item; the consumer decodes and checks it again), or a valid purchase
// would end in the dead letters.
func FuzzItemCheck(f *testing.F) {
	f.Add(mustJSON(f, validItem(nil)))
	for _, over := range []map[string]any{
		{"amount_paid_usd": "12.5x"}, {"amount_paid_usd": "12.5"}, {"addl_count": "2"}, {"utc_date": 1e300},
		{"utc_date": -5}, {"amount_paid_usd": 1e308}, {"url": nil}, {"art_id": "1e30"}, {"amount_paid": "-0"},
	} {
		f.Add(mustJSON(f, validItem(over)))
	}
	f.Add(`{"utc_date":"1599688803.5","url":"//x","artist_name":"y","amount_paid_usd":"1E2"}`)
	f.Fuzz(func(t *testing.T, item string) {
		var it Item
		if json.Unmarshal([]byte(item), &it) != nil {
			return
		}
		if it.UTCDate == 0 {
			it.UTCDate = 1599688803.5
		}
		if err := it.Check(1599688869, time.Time{}); err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("Check = %v, not ErrInvalid", err)
			}
			return
		}
		for _, v := range []float64{it.AmountPaid, it.ItemPrice, it.AmountPaidUSD} {
			if math.IsNaN(v) || v < 0 || v > MaxAmount {
				t.Fatalf("accepted amount %v in %+v", v, it)
			}
		}
		if !plausible(it.UTCDate) || isBlank(it.URL) || isBlank(it.ArtistName) {
			t.Fatalf("accepted %+v", it)
		}
		again, err := json.Marshal(it)
		if err != nil {
			t.Fatalf("accepted item does not encode: %v", err)
		}
		var back Item
		if err := json.Unmarshal(again, &back); err != nil {
			t.Fatalf("encoded item %s does not decode: %v", again, err)
		}
		if err := back.Check(0, time.Time{}); err != nil {
			t.Fatalf("accepted item refused after the stream: %v (%s)", err, again)
		}
	})
}
