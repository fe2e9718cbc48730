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
		wantErr bool
	}{
		{term: "gore", want: `@search_text:(gore*) | @country:{gore}`},
		{term: "𝐺𝑂𝑅𝐸", want: `@search_text:(gore*) | @country:{𝐺𝑂𝑅𝐸}`},
		{term: "United States", want: `@search_text:(united states*) | @country:{United\ States}`},
		{term: "肉と血", want: `@search_text:("肉 と 血") | @country:{肉と血}`},
		{term: "a", want: `@search_text:(a) | @country:{a}`},
		{term: `-@foo:{bar} | "x" *`, want: `@search_text:(foo bar x) | @country:{\-\@foo\:\{bar\}\ \|\ \"x\"\ \*}`},
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

// FuzzSearchQuery checks that no term breaks out of its clauses: the text
// clause holds only letters, digits, spaces, quotes around CJK phrases and
// one trailing '*'; the tag clause escapes every other character.
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
		text, tag, both := strings.Cut(q, " | ")
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
		if tag == "" {
			return
		}
		if !strings.HasPrefix(tag, "@country:{") || !strings.HasSuffix(tag, "}") || tag == "@country:{}" {
			t.Fatalf("SearchQuery(%q) = %q: malformed tag clause", term, q)
		}
		inner := []rune(strings.TrimSuffix(strings.TrimPrefix(tag, "@country:{"), "}"))
		for i := 0; i < len(inner); i++ {
			if r := inner[i]; !unicode.IsLetter(r) && !unicode.IsDigit(r) {
				if r != '\\' || i+1 == len(inner) {
					t.Fatalf("SearchQuery(%q) tag %q: unescaped %q", term, tag, r)
				}
				i++ // the escaped character
			}
		}
	})
}
