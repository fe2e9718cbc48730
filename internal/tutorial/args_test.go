package tutorial

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

var splitCases = []struct {
	name string
	line string
	want []string
	err  error
}{
	{"words", "GET key", []string{"GET", "key"}, nil},
	{"runs of spaces", "GET   key", []string{"GET", "key"}, nil},
	{"one trailing space", "GET key ", []string{"GET", "key"}, nil},
	{"two trailing spaces add an empty argument, as in RedisInsight", "GET key  ", []string{"GET", "key", ""}, nil},
	{"blank line", "   ", []string{""}, nil},
	{"empty line", "", nil, nil},
	{"tab separates", "GET\tkey", []string{"GET", "key"}, nil},
	{"two tabs leave an empty argument, as in RedisInsight", "GET\t\tkey", []string{"GET", "", "key"}, nil},
	{"double quotes", `SET k "a b"`, []string{"SET", "k", "a b"}, nil},
	{"empty double quotes", `SET k ""`, []string{"SET", "k", ""}, nil},
	{"escaped quote", `SET k "a\"b"`, []string{"SET", "k", `a"b`}, nil},
	{"hex and newline escapes", `SET k "\x41\n\t"`, []string{"SET", "k", "A\n\t"}, nil},
	{"upper-case hex", `SET k "\x7E"`, []string{"SET", "k", "~"}, nil},
	{"bad hex is a plain x", `SET k "\x4g"`, []string{"SET", "k", "x4g"}, nil},
	{"other escapes stand for the character", `SET k "\q\\"`, []string{"SET", "k", `q\`}, nil},
	{"single quotes are literal", `SET k 'a\nb "c"'`, []string{"SET", "k", `a\nb "c"`}, nil},
	{"escaped single quote", `SET k 'it\'s'`, []string{"SET", "k", "it's"}, nil},
	{"backslash kept in single quotes", `FT.SEARCH i '@country:{United\ States}'`, []string{"FT.SEARCH", "i", `@country:{United\ States}`}, nil},
	{"quote inside an argument", `SET k abc"d e"`, []string{"SET", "k", "abcd e"}, nil},
	{"JSON in single quotes", `JSON.SET k $ '{"a": [1, "x y"]}'`, []string{"JSON.SET", "k", "$", `{"a": [1, "x y"]}`}, nil},
	{"styled Unicode", "ZSCORE top-sellers 𝐺𝑂𝑅𝐸", []string{"ZSCORE", "top-sellers", "𝐺𝑂𝑅𝐸"}, nil},
	{"unterminated double quotes", `GET "abc`, nil, ErrUnterminatedQuotes},
	{"unterminated single quotes", `GET 'abc`, nil, ErrUnterminatedQuotes},
	{"backslash at the end", `GET "abc\`, nil, ErrUnterminatedQuotes},
	{"text after a closing double quote", `GET "a"b`, nil, ErrQuoteClosing},
	{"text after a closing single quote", `GET 'a'b`, nil, ErrQuoteClosing},
	{"a tab after a closing quote, which RedisInsight refuses", "GET \"a\"\tb", nil, ErrQuoteClosing},
}

func TestSplitArgs(t *testing.T) {
	for _, c := range splitCases {
		t.Run(c.name, func(t *testing.T) {
			got, err := SplitArgs(c.line)
			if !errors.Is(err, c.err) {
				t.Fatalf("SplitArgs(%q) error %v, want %v", c.line, err, c.err)
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("SplitArgs(%q) = %q, want %q", c.line, got, c.want)
			}
		})
	}
}

func TestPortability(t *testing.T) {
	cases := []struct {
		line   string
		issues int
	}{
		{`ZSCORE top-sellers "𝐺𝑂𝑅𝐸"`, 4}, // one per character
		{`ZSCORE top-sellers '𝐺𝑂𝑅𝐸'`, 0},
		{`ZSCORE top-sellers 𝐺𝑂𝑅𝐸`, 0},
		{`ZSCORE top-sellers "肉と血"`, 0}, // in the BMP
		{`ZSCORE top-sellers "\é"`, 1},
	}
	for _, c := range cases {
		if got := Portability(c.line); len(got) != c.issues {
			t.Errorf("Portability(%q) = %q, want %d issues", c.line, got, c.issues)
		}
	}
}

func TestQuoteRoundTrips(t *testing.T) {
	for _, args := range [][]string{
		{"GET", "key"},
		{"", "a b", `"`, `'`, `\`, "tab\there", "nl\n", "\x00\x7f", "𝐺𝑂𝑅𝐸", "\xff\xfe"},
		{`@country:{United\ States}`, `{"a": "//x"}`},
	} {
		line := joinQuoted(args)
		got, err := SplitArgs(line)
		if err != nil || !slices.Equal(got, args) {
			t.Errorf("SplitArgs(%q) = %q, %v; want %q", line, got, err, args)
		}
	}
}

func joinQuoted(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		q[i] = Quote(a)
	}
	return strings.Join(q, " ")
}

// FuzzSplitArgs checks that any line either fails with one of SplitArgs's
// errors or gives arguments that Quote writes back to an equal line.
func FuzzSplitArgs(f *testing.F) {
	for _, c := range splitCases {
		f.Add(c.line)
	}
	f.Fuzz(func(t *testing.T, line string) {
		args, err := SplitArgs(line)
		if err != nil {
			if !errors.Is(err, ErrUnterminatedQuotes) && !errors.Is(err, ErrQuoteClosing) {
				t.Fatalf("SplitArgs(%q): unexpected error %v", line, err)
			}
			return
		}
		again, err := SplitArgs(joinQuoted(args))
		if err != nil || !slices.Equal(again, args) {
			t.Fatalf("SplitArgs(%q) = %q, but its quoted form reads back as %q, %v", line, args, again, err)
		}
	})
}

// FuzzQuote checks that Quote keeps any two arguments apart and intact.
func FuzzQuote(f *testing.F) {
	f.Add("GET", "key")
	f.Add("", `a "b" 'c' \d`)
	f.Add("\x00", "𝐺𝑂𝑅𝐸\xff")
	f.Fuzz(func(t *testing.T, a, b string) {
		line := Quote(a) + " " + Quote(b)
		got, err := SplitArgs(line)
		if err != nil || !slices.Equal(got, []string{a, b}) {
			t.Fatalf("SplitArgs(%q) = %q, %v; want %q", line, got, err, []string{a, b})
		}
	})
}
