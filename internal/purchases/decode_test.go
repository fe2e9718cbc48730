package purchases

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/beatsbyredis/beats/internal/feed"
)

// storedDocs are documents as the save script stores them, from the
// synthetic feed (escapes, CJK and styled letters included).
func storedDocs(t testing.TB, n int) []string {
	t.Helper()
	src := feed.NewSynthetic(feed.SyntheticOptions{Seed: 7, Now: time.Now})
	var out []string
	for len(out) < n {
		sale, err := src.Next(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range sale.Items {
			p := Normalize(it)
			raw, err := encodeDocument(p)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, string(raw))
		}
	}
	return out
}

// decodeCases are shapes the fast path must read as encoding/json does, or
// leave to it.
var decodeCases = []struct {
	name, doc string
	fast      bool // fastDecode reads it itself
}{
	{"empty object", `{}`, true},
	{"whitespace", " {\n\t\"id\" : \"a\" ,\r\n \"utc_date\":1 } ", true},
	{"escapes", `{"artist_name":"A \"B\" \\ \u00e9 \ud83c\udfb5 \n","url":"\/x"}`, true},
	{"html escapes of encoding/json", `{"album_title":"Drum \u0026 Bass \u003c3"}`, true},
	{"raw UTF-8", `{"artist_name":"𝐺𝑂𝑅𝐸 山水","country":"Côte d’Ivoire"}`, true},
	{"invalid UTF-8", "{\"artist_name\":\"a\xffb\"}", true},
	{"nulls", `{"id":null,"slug_type":null,"art_id":null,"amount_paid":null}`, true},
	{"pointers", `{"slug_type":"a","art_id":12,"releases":0,"addl_count":-3,"item_slug":""}`, true},
	{"duplicate key, last wins", `{"id":"a","id":"b","art_id":1,"art_id":null}`, true},
	{"numbers", `{"utc_date_raw":1.7325936001234e9,"amount_paid":-0,"item_price":0.5E-3,"amount_paid_usd":12}`, true},
	{"search_text ignored", `{"search_text":"gore","id":"x"}`, true},
	{"search_text null", `{"search_text":null}`, true},
	{"key in another case", `{"ID":"x","Artist_Name":"y"}`, false},
	{"unknown key", `{"extra":1,"id":"x"}`, false},
	{"escaped key", `{"\u0069d":"x"}`, false},
	{"nested value", `{"search_text":{"a":1}}`, false},
	{"bool", `{"id":true}`, false},
	{"float in an int field", `{"utc_date":1.5}`, false},
	{"exponent in an int field", `{"utc_date":1e3}`, false},
	{"int out of range", `{"utc_date":92233720368547758070}`, false},
	{"float out of range", `{"amount_paid":1e400}`, false},
	{"string in a number field", `{"amount_paid":"1"}`, false},
	{"number in a string field", `{"id":1}`, false},
	{"leading zero", `{"utc_date":01}`, false},
	{"bad escape", `{"id":"\x"}`, false},
	{"control character", "{\"id\":\"a\tb\"}", false},
	{"trailing comma", `{"id":"a",}`, false},
	{"trailing data", `{"id":"a"} x`, false},
	{"unterminated", `{"id":"a`, false},
	{"array", `[]`, false},
	{"null document", `null`, false},
	{"empty", ``, false},
}

func TestDecodePurchaseIsJSONUnmarshal(t *testing.T) {
	for _, tt := range decodeCases {
		t.Run(tt.name, func(t *testing.T) {
			if _, ok := fastDecode(tt.doc); ok != tt.fast {
				t.Errorf("fastDecode ok = %v; want %v", ok, tt.fast)
			}
			sameAsJSON(t, tt.doc)
		})
	}
	for _, doc := range storedDocs(t, 500) {
		if _, ok := fastDecode(doc); !ok {
			t.Errorf("fastDecode left a stored document to encoding/json: %s", doc)
		}
		sameAsJSON(t, doc)
	}
}

// sameAsJSON checks that DecodeDocument gives exactly what json.Unmarshal
// and restore give, error or not, and fastDecode what json.Unmarshal gives.
func sameAsJSON(t *testing.T, doc string) {
	t.Helper()
	var want Purchase
	wantErr := json.Unmarshal([]byte(doc), &want)
	got, err := DecodeDocument(doc)
	if p, ok := fastDecode(doc); ok && (wantErr != nil || !reflect.DeepEqual(p, want)) {
		t.Fatalf("fastDecode(%q) = %+v; json.Unmarshal gives %+v, %v", doc, p, want, wantErr)
	}
	want.restore()
	if (err == nil) != (wantErr == nil) || err == nil && !reflect.DeepEqual(got, want) {
		t.Fatalf("DecodeDocument(%q) = %+v, %v; json.Unmarshal and restore give %+v, %v", doc, got, err, want, wantErr)
	}
}

func FuzzDecodePurchase(f *testing.F) {
	for _, tt := range decodeCases {
		f.Add(tt.doc)
	}
	for _, doc := range storedDocs(f, 20) {
		f.Add(doc)
	}
	f.Fuzz(func(t *testing.T, doc string) { sameAsJSON(t, doc) })
}

func BenchmarkDecodePurchase(b *testing.B) {
	docs := storedDocs(b, 10)
	b.Run("fast", func(b *testing.B) {
		for b.Loop() {
			for _, d := range docs {
				if _, err := DecodeDocument(d); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
	b.Run("encoding/json", func(b *testing.B) {
		for b.Loop() {
			for _, d := range docs {
				var p Purchase
				if err := json.Unmarshal([]byte(d), &p); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}
