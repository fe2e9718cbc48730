package accounts

import (
	"context"
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
		{raw: "ＡＬＩＣＥ", display: "ALICE", folded: "alice", ok: true},     // fullwidth: PRECIS width mapping
		{raw: "Straße", display: "Straße", folded: "strasse", ok: true}, // full case folding, as before PRECIS
		{raw: "José", display: "José", folded: "josé", ok: true},
		{raw: "Jose\u0301", display: "José", folded: "josé", ok: true}, // combining accent composes (NFC)
		{raw: "d.j_k-9", display: "d.j_k-9", folded: "d.j_k-9", ok: true},
		{raw: "ab"},
		{raw: strings.Repeat("a", 33)},
		{raw: strings.Repeat("a", 32), display: strings.Repeat("a", 32), folded: strings.Repeat("a", 32), ok: true},
		{raw: "al ice"},
		{raw: "_alice"},
		{raw: "al\u200bice"}, // zero-width space
		{raw: "ali<ce>"},
		{raw: "\xff\xfeabc"},
		{raw: "\u0301abc"},   // cannot start with a mark
		{raw: "ﬁsh"},         // a compatibility ligature: PRECIS refuses it
		{raw: "alice\u202e"}, // a bidi control
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

// Names that look alike share a skeleton; names that do not, do not.
func TestUsernameSkeletons(t *testing.T) {
	same := [][2]string{
		{"alice", "\u0430lice"},        // Cyrillic а
		{"alice", "ALICE"},             // case
		{"paypal", "p\u0430yp\u0430l"}, // two Cyrillic а
		{"bob", "b0b"},                 // digit zero
		{"modern", "rnodern"},          // rn and m
		{"ella", "e11a"},               // ones and ells
		{"scott", "\u0455cott"},        // Cyrillic ѕ
	}
	for _, p := range same {
		a, errA := parseUsername(p[0])
		b, errB := parseUsername(p[1])
		if errA != nil || errB != nil || a.Skeleton != b.Skeleton {
			t.Errorf("skeletons of %q and %q = %q, %q (%v, %v); want equal", p[0], p[1], a.Skeleton, b.Skeleton, errA, errB)
		}
	}
	for _, p := range [][2]string{{"alice", "alicia"}, {"bob", "rob"}, {"anna", "hanna"}} {
		a, _ := parseUsername(p[0])
		b, _ := parseUsername(p[1])
		if a.Skeleton == b.Skeleton {
			t.Errorf("%q and %q share the skeleton %q", p[0], p[1], a.Skeleton)
		}
	}
}

// The case: "аlice" with a Cyrillic а cannot register beside "alice".
func TestLookalikeNamesCannotRegister(t *testing.T) {
	ctx := context.Background()
	s, rdb := newTestService(t, nil, Options{})
	register(t, s, "alice", "correct horse")
	for _, name := range []string{"\u0430lice", "\u0391LICE", "a1ice"} {
		_, err := s.Register(ctx, Attempt{IP: "192.0.2.9", Username: name, Password: "another password"})
		if !errors.Is(err, ErrUsernameLookalike) || !errors.Is(err, ErrUsernameTaken) {
			t.Errorf("Register(%q) beside alice: %v; want ErrUsernameLookalike", name, err)
		}
	}
	// Users from before skeleton claims get theirs at start-up.
	if err := rdb.Del(ctx, skeletonKey("alice"), skeletonsClaimed).Err(); err != nil {
		t.Fatal(err)
	}
	if err := s.Prepare(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Register(ctx, Attempt{IP: "192.0.2.9", Username: "\u0430lice", Password: "another password"}); !errors.Is(err, ErrUsernameLookalike) {
		t.Fatalf("Register look-alike after Prepare: %v; want ErrUsernameLookalike", err)
	}
	register(t, s, "bob", "battery staple")
}

func FuzzParseUsername(f *testing.F) {
	for _, s := range []string{"alice", "ＡＬＩＣＥ", "Straße", "ǰane", "a.b", "\u0301xx", "İstanbul", "\u0430lice"} {
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
		if !norm.NFC.IsNormalString(u.Display) || !norm.NFKC.IsNormalString(u.Folded) || u.Skeleton == "" {
			t.Fatalf("%q: not normalized: %+v", raw, u)
		}
		// A stored name must parse to itself: logins type the display form.
		again, err := parseUsername(u.Display)
		if err != nil || again != u {
			t.Fatalf("%q: reparse of %+v = %+v, %v", raw, u, again, err)
		}
	})
}
