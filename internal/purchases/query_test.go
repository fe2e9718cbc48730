package purchases

import (
	"errors"
	"fmt"
	"maps"
	"strings"
	"testing"
	"unicode"
)

func TestSearchQuery(t *testing.T) {
	type params = map[string]any
	tests := []struct {
		term    string
		want    string
		params  params
		wantErr bool
	}{
		{term: "gore", want: `@search_text:(gore*) | @country:{$country}`, params: params{"country": "gore"}},
		{term: "𝐺𝑂𝑅𝐸", want: `@search_text:(gore*) | @country:{$country}`, params: params{"country": "𝐺𝑂𝑅𝐸"}},
		{term: " United States ", want: `@search_text:(united states*) | @country:{$country} | ` +
			`(@country:{$countryhead1} @search_text:(states*)) | (@search_text:(united) @country:{$countrytail1})`,
			params: params{"country": "United States", "countryhead1": "United", "countrytail1": "States"}},
		{term: "japan cassette", want: `@search_text:(japan cassette*) | @country:{$country} | ` +
			`(@country:{$countryhead1} @search_text:(cassette*)) | (@search_text:(japan) @country:{$countrytail1})`,
			params: params{"country": "japan cassette", "countryhead1": "japan", "countrytail1": "cassette"}},
		{term: "vinyl united kingdom", want: `@search_text:(vinyl united kingdom*) | @country:{$country} | ` +
			`(@country:{$countryhead1} @search_text:(united kingdom*)) | (@search_text:(vinyl united) @country:{$countrytail1}) | ` +
			`(@country:{$countryhead2} @search_text:(kingdom*)) | (@search_text:(vinyl) @country:{$countrytail2})`,
			params: params{"country": "vinyl united kingdom", "countryhead1": "vinyl", "countrytail1": "kingdom",
				"countryhead2": "vinyl united", "countrytail2": "united kingdom"}},
		{term: "肉と血", want: `@search_text:("肉 と 血") | @country:{$country}`, params: params{"country": "肉と血"}},
		{term: "a", want: `@search_text:(a) | @country:{$country}`, params: params{"country": "a"}},
		{term: `-@foo:{bar} | "x" *`, want: `@search_text:(foo bar x) | @country:{$country} | ` +
			`(@country:{$countryhead1} @search_text:(x)) | (@country:{$countryhead2} @search_text:(x)) | ` +
			`(@search_text:(foo bar) @country:{$countrytail2}) | (@search_text:(foo bar) @country:{$countrytail3})`,
			params: params{"country": `-@foo:{bar} | "x" *`, "countryhead1": "-@foo:{bar}", "countryhead2": "-@foo:{bar} |",
				"countrytail2": `"x" *`, "countrytail3": `| "x" *`}},
		{term: "!!!", want: `@country:{$country}`, params: params{"country": "!!!"}},
		{term: "a\x01b", want: `@search_text:(a b) | @country:{$country}`, params: params{"country": "ab"}},
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
		if err != nil || got.Text != tt.want || !maps.Equal(got.Params, tt.params) {
			t.Errorf("SearchQuery(%q) = %q %v, %v\n want %q %v", tt.term, got.Text, got.Params, err, tt.want, tt.params)
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
	for name, v := range q.Params {
		if s, _ := v.(string); len(s) > maxTermBytes {
			t.Fatalf("the parameter %s of a huge term is %d bytes long", name, len(s))
		}
	}
}

// FuzzSearchQuery checks that no term breaks out of its clauses (checkQuery)
// and that the term reaches the tag clauses only as their parameters.
func FuzzSearchQuery(f *testing.F) {
	for _, s := range []string{"gore", "a|b", `"}{)(`, "@country:{x}", "-x", "肉と", "\\", "*", "%%x%%", "~x", "\x00", "japan cassette"} {
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
		if err := checkQuery(q); err != nil {
			t.Fatalf("SearchQuery(%q) = %q %v: %v", term, q.Text, q.Params, err)
		}
		for name, v := range q.Params {
			if s, _ := v.(string); s == "" || !strings.Contains(strings.TrimSpace(term), s[:1]) {
				t.Fatalf("SearchQuery(%q): parameter %s = %q is not from the term", term, name, v)
			}
		}
	})
}

// checkQuery parses q.Text as SearchQuery writes it: alternatives joined by
// " | ", each a clause or two clauses in parentheses. A text clause holds
// only letters, digits, spaces, quotes around CJK phrases and '*' ending a
// word; a country clause is one parameter of q.Params, and every parameter
// is used.
func checkQuery(q Query) error {
	rs := []rune(q.Text)
	used := map[string]bool{}
	i := 0
	clause := func() error {
		switch {
		case strings.HasPrefix(string(rs[i:]), "@search_text:("):
			i += len([]rune("@search_text:("))
			start := i
			for ; i < len(rs) && rs[i] != ')'; i++ {
				r := rs[i]
				if r != ' ' && r != '"' && !unicode.IsLetter(r) && !unicode.IsDigit(r) &&
					(r != '*' || (i+1 < len(rs) && rs[i+1] != ' ' && rs[i+1] != ')')) {
					return fmt.Errorf("text clause holds %q", r)
				}
			}
			if i == len(rs) || i == start {
				return errors.New("text clause unclosed or empty")
			}
			i++
		case strings.HasPrefix(string(rs[i:]), "@country:{$"):
			i += len([]rune("@country:{$"))
			start := i
			for ; i < len(rs) && rs[i] != '}'; i++ {
				if r := rs[i]; r > unicode.MaxASCII || !unicode.IsLetter(r) && !unicode.IsDigit(r) {
					return fmt.Errorf("parameter name holds %q", r)
				}
			}
			if i == len(rs) || i == start {
				return errors.New("tag unclosed or empty")
			}
			name := string(rs[start:i])
			if _, ok := q.Params[name]; !ok {
				return fmt.Errorf("parameter %s has no value", name)
			}
			used[name] = true
			i++
		default:
			return fmt.Errorf("no clause at %d", i)
		}
		return nil
	}
	for {
		if i < len(rs) && rs[i] == '(' {
			i++
			if err := clause(); err != nil {
				return err
			}
			if i >= len(rs) || rs[i] != ' ' {
				return errors.New("group of one clause")
			}
			i++
			if err := clause(); err != nil {
				return err
			}
			if i >= len(rs) || rs[i] != ')' {
				return errors.New("group unclosed")
			}
			i++
		} else if err := clause(); err != nil {
			return err
		}
		if i == len(rs) {
			break
		}
		if !strings.HasPrefix(string(rs[i:]), " | ") {
			return fmt.Errorf("junk at %d", i)
		}
		i += 3
	}
	if len(used) != len(q.Params) {
		return fmt.Errorf("parameters %v, used %v", q.Params, used)
	}
	return nil
}
