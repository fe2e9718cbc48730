package main

import (
	"math/rand/v2"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/beatsbyredis/beats/internal/purchases"
)

// searchTerms makes n realistic search terms from the synthetic catalogue,
// the way people type them into the dashboard: whole artist and album
// names, single words, prefixes of a word being typed, folded forms
// ("zoe crepes" for "Zoë & the Crêpes", "gore" for "𝐺𝑂𝑅𝐸"), countries, CJK
// fragments of Japanese and Chinese titles, formats, and some misses.
func searchTerms(n int, seed int64) []string {
	rng := rand.New(rand.NewPCG(uint64(seed), 7))
	pool := catalogue(seed + 1)
	var cjk []purchases.Purchase
	for _, p := range pool {
		if hasCJK(p.ArtistName + p.AlbumTitle + p.ItemDescription) {
			cjk = append(cjk, p)
		}
	}
	misses := []string{"xylophone quartet", "polka", "zzzz", "nonexistent band", "dubstep 2049", "ambient drone tapes", "바이올린", "交響曲"}
	formats := []string{"vinyl", "cassette", "t-shirt", "compact disc", "hoodie", "discography", "gatefold", "patch"}
	out := make([]string, 0, n)
	for len(out) < n {
		p := pool[rng.IntN(len(pool))]
		title := pickTitle(rng, p)
		var t string
		switch k := rng.IntN(100); {
		case k < 15:
			t = p.ArtistName
		case k < 25:
			t = purchases.Fold(p.ArtistName)
		case k < 35:
			t = prefix(rng, pickWord(rng, purchases.Fold(p.ArtistName)))
		case k < 50:
			t = title
		case k < 58:
			t = pickWord(rng, title)
		case k < 63:
			t = purchases.Fold(title)
		case k < 73:
			t = p.Country
		case k < 83 && len(cjk) > 0:
			c := cjk[rng.IntN(len(cjk))]
			t = cjkFragment(rng, c.ArtistName+" "+c.AlbumTitle+" "+c.ItemDescription)
		case k < 88:
			t = purchases.Fold(p.ArtistName) + " " + pickWord(rng, purchases.Fold(title))
		case k < 94:
			t = formats[rng.IntN(len(formats))]
		default:
			t = misses[rng.IntN(len(misses))]
		}
		if t = strings.TrimSpace(t); t != "" {
			out = append(out, t)
		}
	}
	return out
}

// catalogue is 5,000 purchases of the synthetic feed: what the terms are
// made from.
func catalogue(seed int64) []purchases.Purchase {
	var out []purchases.Purchase
	g := newGenerator(5000, seed)
	for s, ok := g.next(); ok; s, ok = g.next() {
		for _, it := range s.Items {
			out = append(out, purchases.Normalize(it))
		}
	}
	return out
}

// pickTitle is p's album title or its item's, at random.
func pickTitle(rng *rand.Rand, p purchases.Purchase) string {
	if rng.IntN(2) == 0 {
		return p.ItemDescription
	}
	return p.AlbumTitle
}

func hasCJK(s string) bool {
	for _, r := range s {
		if unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana) {
			return true
		}
	}
	return false
}

func pickWord(rng *rand.Rand, s string) string {
	w := strings.Fields(s)
	if len(w) == 0 {
		return ""
	}
	return w[rng.IntN(len(w))]
}

// prefix is the first 2 to all runes of w, as it is being typed.
func prefix(rng *rand.Rand, w string) string {
	n := utf8.RuneCountInString(w)
	if n <= 2 {
		return w
	}
	k := 2 + rng.IntN(n-1)
	return string([]rune(w)[:k])
}

// cjkFragment is 2 or 3 consecutive Han or kana characters of s, or a word
// of s when it has none (Korean, Cyrillic, Latin titles).
func cjkFragment(rng *rand.Rand, s string) string {
	var runs [][]rune
	var cur []rune
	for _, r := range s {
		if unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana) || r == 'ー' {
			cur = append(cur, r)
			continue
		}
		if len(cur) >= 2 {
			runs = append(runs, cur)
		}
		cur = nil
	}
	if len(cur) >= 2 {
		runs = append(runs, cur)
	}
	if len(runs) == 0 {
		return pickWord(rng, s)
	}
	run := runs[rng.IntN(len(runs))]
	k := min(len(run), 2+rng.IntN(2))
	at := rng.IntN(len(run) - k + 1)
	return string(run[at : at+k])
}
