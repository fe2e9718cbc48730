package purchases

import (
	"errors"
	"strings"
	"testing"
	"unicode"
)

func TestSearchQuery(t *testing.T) {
	tests := []struct {
		term    string
		want    string
		country string // the country parameter; "" for none
		wantErr bool
	}{
		{term: "gore", want: `@search_text:(gore*) | @country:{$country}`, country: "gore"},
		{term: "𝐺𝑂𝑅𝐸", want: `@search_text:(gore*) | @country:{$country}`, country: "𝐺𝑂𝑅𝐸"},
		{term: " United States ", want: `@search_text:(united states*) | @country:{$country}`, country: "United States"},
		{term: "肉と血", want: `@search_text:("肉 と 血") | @country:{$country}`, country: "肉と血"},
		{term: "a", want: `@search_text:(a) | @country:{$country}`, country: "a"},
		{term: `-@foo:{bar} | "x" *`, want: `@search_text:(foo bar x) | @country:{$country}`, country: `-@foo:{bar} | "x" *`},
		{term: "!!!", want: `@country:{$country}`, country: "!!!"},
		{term: "a\x01b", want: `@search_text:(a b) | @country:{$country}`, country: "ab"},
		{term: "   ", wantErr: true},
		{term: "", wantErr: true},
		{term: "\xff", wantErr: true},
		{term: "\x01", wantErr: true},
		{term: "\uFFFD", wantErr: true},
	}
	for _, tt := range tests {
		got, err := SearchQuery(tt.term)
		if tt.wantErr {
			if !errors.Is(err, ErrBadQuery) {
				t.Errorf("SearchQuery(%q) err = %v, want ErrBadQuery", tt.term, err)
			}
			continue
		}
		if err != nil || got.Text != tt.want || got.Params[countryParam] != tt.country || len(got.Params) != 1 {
			t.Errorf("SearchQuery(%q) = %q %v, %v\n want %q with country %q", tt.term, got.Text, got.Params, err, tt.want, tt.country)
		}
	}
}

func TestSearchQueryBoundsLongTerms(t *testing.T) {
	q, err := SearchQuery(strings.Repeat("word ", 10_000) + strings.Repeat("x", 100_000))
	if err != nil {
		t.Fatal(err)
	}
	if len(q.Text) > 4*maxTermBytes {
		t.Fatalf("query for a huge term is %d bytes long", len(q.Text))
	}
	if country, _ := q.Params[countryParam].(string); len(country) > maxTermBytes {
		t.Fatalf("the country parameter of a huge term is %d bytes long", len(country))
	}
}

// FuzzSearchQuery checks that no term breaks out of its clauses: the text
// clause holds only letters, digits, spaces, quotes around CJK phrases and
// one trailing '*'; the term reaches the tag clause only as its parameter.
func FuzzSearchQuery(f *testing.F) {
	for _, s := range []string{"gore", "a|b", `"}{)(`, "@country:{x}", "-x", "肉と", "\\", "*", "%%x%%", "~x", "\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, term string) {
		q, err := SearchQuery(term)
		if err != nil {
			if !errors.Is(err, ErrBadQuery) {
				t.Fatalf("SearchQuery(%q): unexpected error %v", term, err)
			}
			return
		}
		text, tag, both := strings.Cut(q.Text, " | ")
		if !both && strings.HasPrefix(text, "@country:") {
			text, tag = "", text
		}
		if text != "" {
			body := strings.TrimSuffix(strings.TrimPrefix(text, "@search_text:("), ")")
			for _, r := range body {
				if r != ' ' && r != '"' && r != '*' && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
					t.Fatalf("SearchQuery(%q) text clause %q holds %q", term, text, r)
				}
			}
		}
		country, hasCountry := q.Params[countryParam].(string)
		switch {
		case tag == "" && hasCountry, tag != "" && !hasCountry:
			t.Fatalf("SearchQuery(%q) = %q %v: the tag clause and its parameter go together", term, q.Text, q.Params)
		case tag != "" && tag != "@country:{$country}":
			t.Fatalf("SearchQuery(%q) = %q: the tag clause holds more than its parameter", term, q.Text)
		case hasCountry && (country == "" || !strings.Contains(strings.TrimSpace(term), country[:1])):
			t.Fatalf("SearchQuery(%q): country parameter %q is not from the term", term, country)
		}
	})
}
