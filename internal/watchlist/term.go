package watchlist

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/beatsbyredis/beats/internal/purchases"
)

// ErrBadTerm wraps why a term was refused; the message is for the user.
var ErrBadTerm = errors.New("bad term")

// Term is a watched term: what the user typed and what it asks of a
// purchase. Every user who watches the same folded text watches the same
// term, with the same id.
type Term struct {
	ID      string // hex of the first 16 bytes of SHA-256(Folded)
	Text    string // as typed, trimmed
	Folded  string // purchases.Fold(Text)
	clauses []purchases.Clause
}

// ParseTerm checks and reads a term: 1 to MaxTermRunes characters after
// trimming, with at least one letter or digit.
func ParseTerm(raw string) (Term, error) {
	text := strings.TrimSpace(raw)
	switch n := utf8.RuneCountInString(text); {
	case !utf8.ValidString(text):
		return Term{}, fmt.Errorf("%w: term is not valid UTF-8", ErrBadTerm)
	case n == 0:
		return Term{}, fmt.Errorf("%w: term is required", ErrBadTerm)
	case n > MaxTermRunes:
		return Term{}, fmt.Errorf("%w: term is longer than %d characters", ErrBadTerm, MaxTermRunes)
	case strings.ContainsFunc(text, unicode.IsControl):
		return Term{}, fmt.Errorf("%w: term holds control characters", ErrBadTerm)
	}
	folded := purchases.Fold(text)
	if folded == "" {
		return Term{}, fmt.Errorf("%w: term has nothing to match: use letters or digits", ErrBadTerm)
	}
	sum := sha256.Sum256([]byte(folded))
	return Term{ID: hex.EncodeToString(sum[:16]), Text: text, Folded: folded, clauses: purchases.TermClauses(folded)}, nil
}

// spec is what the save script checks of a candidate (see save.lua): one
// line each, "c <folded term>" first (the term as a country name), then
// its clauses ("w <word>", "p <prefix>" and "q <the words of a phrase>"),
// and last "a <anchor key>" (where the term is indexed, for its removal;
// not a clause, and last so that a failing clause ends the check before it).
func (t Term) spec(anchor string) string {
	lines := []string{"c " + t.Folded}
	for _, c := range t.clauses {
		kind := "w"
		switch {
		case c.Kind == purchases.PrefixClause:
			kind = "p"
		case c.Kind == purchases.PhraseClause && len(c.Words) > 1:
			kind = "q"
		}
		lines = append(lines, kind+" "+strings.Join(c.Words, " "))
	}
	return strings.Join(append(lines, "a "+anchor), "\n")
}

// member is what the index sets hold for a term: its id and its spec, so
// that the save script has a candidate's clauses without another read.
func member(id, spec string) string { return id + " " + spec }

// anchorOf reads the anchor key back from a spec.
func anchorOf(spec string) string {
	last := spec[strings.LastIndexByte(spec, '\n')+1:]
	if key, ok := strings.CutPrefix(last, "a "); ok {
		return key
	}
	return ""
}

// anchors are the index sets the term could be indexed under: one per
// word (watch:w:<word>) and its last word as a prefix (watch:p:<prefix>);
// every purchase that matches the term looks in each of them.
func (t Term) anchors() []string {
	var keys []string
	for _, c := range t.clauses {
		for _, w := range c.Words {
			if c.Kind == purchases.PrefixClause {
				keys = append(keys, prefixKeyPrefix+w)
			} else {
				keys = append(keys, wordKeyPrefix+w)
			}
		}
	}
	return keys
}

// anchor picks the index set the term goes in: of its anchors, the one
// purchases have looked in least (lookups[i] counts anchors()[i], from the
// sketch), so that few purchases meet the term as a candidate in vain;
// among equals (an empty sketch counts nothing) the longest word, and a
// whole word before a prefix.
func (t Term) anchor(lookups []int64) string {
	best, bestCount, bestLen := "", int64(-1), 0
	for i, key := range t.anchors() {
		var count int64
		if i < len(lookups) {
			count = lookups[i]
		}
		n := 2 * utf8.RuneCountInString(strings.TrimPrefix(strings.TrimPrefix(key, wordKeyPrefix), prefixKeyPrefix))
		if strings.HasPrefix(key, wordKeyPrefix) {
			n++
		}
		if bestCount < 0 || count < bestCount || (count == bestCount && n > bestLen) {
			best, bestCount, bestLen = key, count, n
		}
	}
	return best
}

// indexKeys are the sets the term's id goes in: its anchor, and its whole
// folded text as a country name.
func (t Term) indexKeys(anchor string) []string {
	if anchor == "" { // a spec written by hand, without its anchor
		return []string{countryKeyPrefix + t.Folded}
	}
	return []string{anchor, countryKeyPrefix + t.Folded}
}

// Matches reports whether p matches t. It is the reference for the save
// script's block, which decides in Redis (the tests hold the two to each
// other and to the search endpoint).
func (t Term) Matches(p purchases.Purchase) bool {
	if t.Folded == purchases.Fold(p.Country) {
		return true
	}
	words := strings.Fields(p.SearchText())
	for _, c := range t.clauses {
		if !clauseHolds(c, words) {
			return false
		}
	}
	return true
}

func clauseHolds(c purchases.Clause, words []string) bool {
	for i := range words {
		switch c.Kind {
		case purchases.WordClause:
			if words[i] == c.Words[0] {
				return true
			}
		case purchases.PrefixClause:
			if strings.HasPrefix(words[i], c.Words[0]) {
				return true
			}
		case purchases.PhraseClause:
			if len(words)-i >= len(c.Words) && equal(words[i:i+len(c.Words)], c.Words) {
				return true
			}
		}
	}
	return false
}

func equal(a, b []string) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return len(a) == len(b)
}
