package purchases

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Fold makes text searchable the way people type it: compatibility forms
// (styled letters such as 𝐺𝑂𝑅𝐸, full-width and half-width forms) become plain
// letters, accents are dropped, case is lowered, punctuation separates
// words, and each CJK character stands alone so that a few characters of a
// Japanese or Chinese title find it (the query matches them as a phrase).
// The result is words of letters and digits separated by single spaces.
func Fold(s string) string {
	decomposed := norm.NFKD.String(s)
	var b strings.Builder
	b.Grow(len(decomposed))
	for _, r := range decomposed {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		switch {
		case isCJK(r) && unicode.IsLetter(r): // not radicals (⻂), which are symbols
			b.WriteByte(' ')
			b.WriteRune(r)
			b.WriteByte(' ')
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			r = unicode.ToLower(r)
			if plain, ok := plainLetters[r]; ok {
				b.WriteString(plain)
			} else {
				b.WriteRune(r)
			}
		default:
			b.WriteByte(' ')
		}
	}
	// Recompose what survives (Hangul syllables), then tidy the spaces.
	return strings.Join(strings.Fields(norm.NFC.String(b.String())), " ")
}

// plainLetters are letters that NFKD does not decompose into a base letter
// and an accent, as people type them on a keyboard without them: "Y-NOT"
// finds "Y-NØT" and "agaetis" finds "Ágætis byrjun". (Capitals are lowered
// first; İ decomposes to I and a dot, which goes with the accents.)
var plainLetters = map[rune]string{
	'ø': "o", 'æ': "ae", 'œ': "oe", 'ß': "ss", 'ł': "l", 'đ': "d", 'ð': "d", 'þ': "th", 'ı': "i",
}

// FoldVersion names Fold's rules. Documents store their folded text, so a
// change of the rules bumps it, and Refold rewrites the stored documents.
const FoldVersion = 2

// isCJK reports characters of scripts written without spaces between words.
func isCJK(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana) ||
		r == 'ー' // the katakana long-vowel mark is Common, yet part of words
}
