package accounts

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

func TestParseUsername(t *testing.T) {
	tests := []struct {
		raw, display, folded string
		ok                   bool
	}{
		{raw: "alice", display: "alice", folded: "alice", ok: true},
		{raw: "  Alice  ", display: "Alice", folded: "alice", ok: true},
		{raw: "ＡＬＩＣＥ", display: "ALICE", folded: "alice", ok: true},     // fullwidth: NFKC
		{raw: "Straße", display: "Straße", folded: "strasse", ok: true}, // full case folding
		{raw: "José", display: "José", folded: "josé", ok: true},
		{raw: "Jose\u0301", display: "José", folded: "josé", ok: true}, // combining accent composes
		{raw: "d.j_k-9", display: "d.j_k-9", folded: "d.j_k-9", ok: true},
		{raw: "ab"},
		{raw: strings.Repeat("a", 33)},
		{raw: strings.Repeat("a", 32), display: strings.Repeat("a", 32), folded: strings.Repeat("a", 32), ok: true},
		{raw: "al ice"},
		{raw: "_alice"},
		{raw: "al\u200bice"}, // zero-width space
		{raw: "ali<ce>"},
		{raw: "\xff\xfeabc"},
		{raw: "\u0301abc"}, // cannot start with a mark
	}
	for _, tt := range tests {
		got, err := parseUsername(tt.raw)
		if !tt.ok {
			if !errors.Is(err, ErrInvalidInput) {
				t.Errorf("parseUsername(%q) = %+v, %v; want ErrInvalidInput", tt.raw, got, err)
			}
			continue
		}
		if err != nil || got.Display != tt.display || got.Folded != tt.folded {
			t.Errorf("parseUsername(%q) = %+v, %v; want %q, %q", tt.raw, got, err, tt.display, tt.folded)
		}
	}
}

func TestParsePassword(t *testing.T) {
	tests := []struct {
		raw, want string
		ok        bool
	}{
		{raw: "correct horse", want: "correct horse", ok: true},
		{raw: "1234567"},
		{raw: "12345678", want: "12345678", ok: true},
		{raw: "ｐａｓｓｗｏｒｄ", want: "password", ok: true},                 // NFKC
		{raw: "e\u0301e\u0301e\u0301e\u0301", want: "éééé", ok: true}, // 8 code points typed
		{raw: strings.Repeat("x", 1024), want: strings.Repeat("x", 1024), ok: true},
		{raw: strings.Repeat("x", 1025)},
		{raw: "abcdefgh\xff"},
	}
	for _, tt := range tests {
		got, err := parsePassword(tt.raw)
		if !tt.ok {
			if !errors.Is(err, ErrInvalidInput) {
				t.Errorf("parsePassword(%.20q) = %v; want ErrInvalidInput", tt.raw, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("parsePassword(%.20q) = %q, %v; want %q", tt.raw, got, err, tt.want)
		}
	}
}

func FuzzParseUsername(f *testing.F) {
	for _, s := range []string{"alice", "ＡＬＩＣＥ", "Straße", "ǰane", "a.b", "\u0301xx", "İstanbul"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		u, err := parseUsername(raw)
		if err != nil {
			return
		}
		if n := utf8.RuneCountInString(u.Display); n < UsernameMin || n > UsernameMax {
			t.Fatalf("%q: display %q has %d characters", raw, u.Display, n)
		}
		if !norm.NFKC.IsNormalString(u.Display) || !norm.NFKC.IsNormalString(u.Folded) {
			t.Fatalf("%q: not NFKC: %+v", raw, u)
		}
		// A stored name must parse to itself: logins type the display form.
		again, err := parseUsername(u.Display)
		if err != nil || again != u {
			t.Fatalf("%q: reparse of %+v = %+v, %v", raw, u, again, err)
		}
	})
}
