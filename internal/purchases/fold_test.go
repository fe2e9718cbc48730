package purchases

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestFold(t *testing.T) {
	tests := []struct{ in, want string }{
		{"𝐺𝑂𝑅𝐸", "gore"},
		{"Björk", "bjork"},
		{"Sigur Rós", "sigur ros"},
		{"AC/DC: Live!", "ac dc live"},
		{"肉と血を超えて", "肉 と 血 を 超 え て"},
		{"Limited Edition Cassette 肉と血", "limited edition cassette 肉 と 血"},
		{"ＦＵＬＬ　ＷＩＤＴＨ", "full width"},
		{"ﾃﾞｨｽｺ", "テ ィ ス コ"},
		{"Кино — Группа крови", "кино группа крови"},
		{"방탄소년단", "방탄소년단"},
		{"Ελληνικά", "ελληνικα"},
		{"  many   spaces\t\n", "many spaces"},
		{"🎵 emoji 🎶", "emoji"},
		// Letters that do not decompose, folded as people type them.
		{"Y-NØT", "y not"},
		{"Ágætis byrjun", "agaetis byrjun"},
		{"ÆØÅ æøå", "aeoa aeoa"},
		{"Œuvre cœur", "oeuvre coeur"},
		{"Straße STRAẞE", "strasse strasse"},
		{"Łódź", "lodz"},
		{"Đorđe", "dorde"},
		{"Þór Sigurðsson", "thor sigurdsson"},
		{"Kırmızı İstanbul", "kirmizi istanbul"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Fold(tt.in); got != tt.want {
			t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzFold(f *testing.F) {
	for _, s := range []string{"𝐺𝑂𝑅𝐸", "Björk", "肉と血を超えて", "a\x00b", "\xff\xfe", "İstanbul", "Ágætis", "STRAẞE Þ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Fold(s)
		if !utf8.ValidString(got) {
			t.Fatalf("Fold(%q) = %q: invalid UTF-8", s, got)
		}
		if strings.Contains(got, "  ") || strings.TrimSpace(got) != got {
			t.Fatalf("Fold(%q) = %q: untidy spaces", s, got)
		}
		// A term is folded like the document it should find.
		if again := Fold(got); again != got {
			t.Fatalf("Fold(%q) = %q, folded again %q", s, got, again)
		}
		for _, r := range got {
			if r != ' ' && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
				t.Fatalf("Fold(%q) = %q: holds %q, neither letter nor digit", s, got, r)
			}
		}
	})
}
