package watchlist

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/beatsbyredis/beats/internal/purchases"
)

func TestParseTerm(t *testing.T) {
	tests := []struct {
		raw, text, folded string
		bad               bool
	}{
		{raw: "  Wätched Artîst ", text: "Wätched Artîst", folded: "watched artist"},
		{raw: "𝐺𝑂𝑅𝐸", text: "𝐺𝑂𝑅𝐸", folded: "gore"},
		{raw: strings.Repeat("é", 100), text: strings.Repeat("é", 100), folded: strings.Repeat("e", 100)},
		{raw: strings.Repeat("é", 101), bad: true},
		{raw: "", bad: true},
		{raw: " \t\n", bad: true},
		{raw: "!!!", bad: true},
		{raw: "a\x00b", bad: true},
		{raw: "\xff\xfe", bad: true},
	}
	for _, tt := range tests {
		got, err := ParseTerm(tt.raw)
		if tt.bad {
			if !errors.Is(err, ErrBadTerm) {
				t.Errorf("ParseTerm(%q) = %+v, %v; want ErrBadTerm", tt.raw, got, err)
			}
			continue
		}
		if err != nil || got.Text != tt.text || got.Folded != tt.folded || len(got.ID) != 32 {
			t.Errorf("ParseTerm(%q) = %+v, %v; want text %q folded %q", tt.raw, got, err, tt.text, tt.folded)
		}
	}
	a, _ := ParseTerm("Wätched  Artîst")
	b, _ := ParseTerm("watched artist")
	if a.ID != b.ID {
		t.Errorf("the same folded term has two ids: %s, %s", a.ID, b.ID)
	}
}

func TestTermSpecAndAnchor(t *testing.T) {
	tests := []struct {
		term    string
		lookups []int64 // the sketch's counts of the term's anchors, in order
		spec    string  // without its anchor line, which comes last
		anchor  string
	}{
		{"gore", nil, "c gore\np gore", "watch:p:gore"},
		{"The Cure", nil, "c the cure\nw the\np cure", "watch:p:cure"},
		{"The Cure", []int64{9000, 12}, "c the cure\nw the\np cure", "watch:p:cure"},
		{"Velvet Qorvath", []int64{400, 3}, "c velvet qorvath\nw velvet\np qorvath", "watch:p:qorvath"},
		{"Qorvath Velvet", []int64{3, 400}, "c qorvath velvet\nw qorvath\np velvet", "watch:w:qorvath"},
		{"black night", []int64{500, 700}, "c black night\nw black\np night", "watch:w:black"},
		{"AC/DC", nil, "c ac dc\nw ac\np dc", "watch:w:ac"},
		{"x", nil, "c x\nw x", "watch:w:x"},
		{"肉と血を超えて", nil, "c 肉 と 血 を 超 え て\nq 肉 と 血 を 超 え て", "watch:w:肉"},
		{"肉と血を超えて", []int64{9, 9, 1, 9, 9, 9, 9}, "c 肉 と 血 を 超 え て\nq 肉 と 血 を 超 え て", "watch:w:血"},
		{"gore 肉", nil, "c gore 肉\nw gore\nw 肉", "watch:w:gore"},
	}
	for _, tt := range tests {
		term, err := ParseTerm(tt.term)
		if err != nil {
			t.Fatal(err)
		}
		anchor := term.anchor(tt.lookups)
		if anchor != tt.anchor {
			t.Errorf("%q with lookups %v: anchor %q, want %q", tt.term, tt.lookups, anchor, tt.anchor)
		}
		spec := term.spec(anchor)
		if want := tt.spec + "\na " + tt.anchor; spec != want {
			t.Errorf("%q: spec %q, want %q", tt.term, spec, want)
		}
		if anchorOf(spec) != anchor {
			t.Errorf("%q: anchorOf(%q) = %q", tt.term, spec, anchorOf(spec))
		}
		if keys := term.indexKeys(anchor); keys[0] != anchor || keys[1] != "watch:c:"+term.Folded {
			t.Errorf("%q: index keys %q", tt.term, keys)
		}
	}
}

func purchase(artist, item, album, country string) purchases.Purchase {
	return purchases.Purchase{ArtistName: artist, ItemDescription: item, AlbumTitle: album, Country: country}
}

// matchCases are the folding examples and the rules of search
// terms: every folded word present, the last one as a prefix, CJK as a
// phrase, or the term is the country.
var matchCases = []struct {
	term  string
	p     purchases.Purchase
	match bool
}{
	{"watched artist", purchase("Wätched Artîst", "Digital Album", "Songs", "Germany"), true},
	{"gore", purchase("𝐺𝑂𝑅𝐸", "Limited Edition Cassette", "肉と血を超えて", "United States"), true},
	{"gor", purchase("𝐺𝑂𝑅𝐸", "Cassette", "Cassette", "Japan"), true},
	{"ore", purchase("𝐺𝑂𝑅𝐸", "Cassette", "Cassette", "Japan"), false},
	{"gore cass", purchase("𝐺𝑂𝑅𝐸", "Limited Edition Cassette", "x", "Japan"), true},
	{"go cassette", purchase("𝐺𝑂𝑅𝐸", "Limited Edition Cassette", "x", "Japan"), false},
	{"cassette gore", purchase("𝐺𝑂𝑅𝐸", "Limited Edition Cassette", "x", "Japan"), true},
	{"肉と血", purchase("𝐺𝑂𝑅𝐸", "Cassette", "肉と血を超えて", "Japan"), true},
	{"血と肉", purchase("𝐺𝑂𝑅𝐸", "Cassette", "肉と血を超えて", "Japan"), false},
	{"United Kingdom", purchase("Girl Band", "Live at Vicar Street", "Live at Vicar Street", "United Kingdom"), true},
	{"united kingdom", purchase("Girl Band", "Vinyl", "Vinyl", "United States"), false},
	{"Côte d'Ivoire", purchase("A", "B", "B", "Côte d’Ivoire"), true},
	{"japan", purchase("Japanese Breakfast", "Jubilee", "Jubilee", "Canada"), true},
	{"japan", purchase("Mitski", "Be the Cowboy", "Be the Cowboy", "Japan"), true},
	{"japan", purchase("Mitski", "Be the Cowboy", "Be the Cowboy", "Canada"), false},
	{"x", purchase("Malcolm X Tribute", "Tape", "Tape", "France"), true},
	{"x", purchase("Xiu Xiu", "Tape", "Tape", "France"), false},
}

func TestTermMatches(t *testing.T) {
	for _, tt := range matchCases {
		term, err := ParseTerm(tt.term)
		if err != nil {
			t.Fatal(err)
		}
		if got := term.Matches(tt.p); got != tt.match {
			t.Errorf("%q matches %q/%q/%q in %q = %v, want %v", tt.term, tt.p.ArtistName, tt.p.ItemDescription, tt.p.AlbumTitle, tt.p.Country, got, tt.match)
		}
	}
}

// TestAnchorAmongLookups: a purchase that a term matches always looks in
// every set the term may be indexed under, whatever the term and the text.
func TestAnchorAmongLookups(t *testing.T) {
	for _, tt := range matchCases {
		anchorFound(t, tt.term, tt.p)
	}
}

func FuzzAnchorAmongLookups(f *testing.F) {
	for _, tt := range matchCases {
		f.Add(tt.term, tt.p.ArtistName+" "+tt.p.ItemDescription, tt.p.Country)
	}
	f.Fuzz(func(t *testing.T, term, text, country string) {
		anchorFound(t, term, purchase(text, text, text, country))
	})
}

func anchorFound(t *testing.T, raw string, p purchases.Purchase) {
	term, err := ParseTerm(raw)
	if err != nil {
		return
	}
	if !term.Matches(p) {
		return
	}
	lookups := lookupKeys(strings.Fields(p.SearchText()), purchases.Fold(p.Country))
	if len(lookups) == maxLookups {
		return // a text long enough to be cut: only its first words are looked at
	}
	if slices.Contains(lookups, term.indexKeys("")[0]) {
		return // the term is the purchase's country
	}
	for _, key := range term.anchors() {
		if !slices.Contains(lookups, key) {
			t.Fatalf("%q matches %q but its anchor %q is not among the lookups %q", raw, p.SearchText(), key, lookups)
		}
	}
}

func TestLookupKeys(t *testing.T) {
	got := lookupKeys([]string{"gore", "肉", "gore", "ab"}, "japan")
	want := []string{"watch:c:japan", "watch:w:gore", "watch:p:go", "watch:p:gor", "watch:p:gore", "watch:w:肉", "watch:w:ab", "watch:p:ab"}
	if !slices.Equal(got, want) {
		t.Errorf("lookupKeys = %q, want %q", got, want)
	}
	long := strings.Repeat("é", 70)
	keys := lookupKeys([]string{long}, "")
	if last := keys[len(keys)-1]; last != "watch:p:"+strings.Repeat("é", 64) {
		t.Errorf("longest prefix looked up is %q, want 64 characters", last)
	}
}
