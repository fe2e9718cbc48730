package purchases

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"unicode"
)

func TestSearchQuery(t *testing.T) {
	tests := []struct {
		term    string
		want    string
		wantErr bool
	}{
		{term: "gore", want: `@search_text:(gore*) | @country:{gore*}`},
		{term: "𝐺𝑂𝑅𝐸", want: `@search_text:(gore*) | @country:{𝐺𝑂𝑅𝐸*}`},
		{term: "United States", want: `@search_text:(united states*) | @country:{United\ States*} | ` +
			`(@country:{United} @search_text:(states*)) | (@search_text:(united) @country:{States*})`},
		{term: "japan cassette", want: `@search_text:(japan cassette*) | @country:{japan\ cassette*} | ` +
			`(@country:{japan} @search_text:(cassette*)) | (@search_text:(japan) @country:{cassette*})`},
		{term: "uk tape", want: `@search_text:(uk tape*) | @country:{uk\ tape*} | ` +
			`(@country:{uk} @search_text:(tape*)) | (@search_text:(uk) @country:{tape*})`},
		{term: "vinyl uk", want: `@search_text:(vinyl uk*) | @country:{vinyl\ uk} | ` +
			`(@country:{vinyl} @search_text:(uk*)) | (@search_text:(vinyl) @country:{uk})`},
		{term: "肉と血", want: `@search_text:("肉 と 血") | @country:{肉と血*}`},
		{term: "a", want: `@search_text:(a) | @country:{a}`},
		{term: `-@foo:{bar} | "x" *`, want: `@search_text:(foo bar x) | @country:{\-\@foo\:\{bar\}\ \|\ \"x\"\ \*} | ` +
			`(@country:{\-\@foo\:\{bar\}} @search_text:(x)) | (@country:{\-\@foo\:\{bar\}\ \|} @search_text:(x)) | ` +
			`(@search_text:(foo bar) @country:{\"x\"\ \*}) | (@search_text:(foo bar) @country:{\|\ \"x\"\ \*})`},
		{term: "!!!", want: `@country:{\!\!\!}`},
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
		if err != nil || got != tt.want {
			t.Errorf("SearchQuery(%q) = %q, %v\n want %q", tt.term, got, err, tt.want)
		}
	}
}

func TestSearchQueryBoundsLongTerms(t *testing.T) {
	q, err := SearchQuery(strings.Repeat("word ", 10_000) + strings.Repeat("x", 100_000))
	if err != nil {
		t.Fatal(err)
	}
	if len(q) > 4*maxTermBytes {
		t.Fatalf("query for a huge term is %d bytes long", len(q))
	}
}

// FuzzSearchQuery checks that no term breaks out of its clauses (checkQuery).
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
		if err := checkQuery(q); err != nil {
			t.Fatalf("SearchQuery(%q) = %q: %v", term, q, err)
		}
	})
}

// checkQuery parses q as SearchQuery writes it: alternatives joined by
// " | ", each a clause or two clauses in parentheses. A text clause holds
// only letters, digits, spaces, quotes around CJK phrases and '*' ending a
// word; a country clause escapes every character but letters and digits,
// and may end in one unescaped '*'.
func checkQuery(q string) error {
	rs := []rune(q)
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
		case strings.HasPrefix(string(rs[i:]), "@country:{"):
			i += len([]rune("@country:{"))
			start := i
			for ; i < len(rs) && rs[i] != '}'; i++ {
				switch r := rs[i]; {
				case r == '\\' && i+1 < len(rs):
					i++
				case r == '*' && i+1 < len(rs) && rs[i+1] == '}' && i > start:
				case !unicode.IsLetter(r) && !unicode.IsDigit(r):
					return fmt.Errorf("tag holds unescaped %q", r)
				}
			}
			if i == len(rs) || i == start {
				return errors.New("tag unclosed or empty")
			}
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
			return nil
		}
		if !strings.HasPrefix(string(rs[i:]), " | ") {
			return fmt.Errorf("junk at %d", i)
		}
		i += 3
	}
}
