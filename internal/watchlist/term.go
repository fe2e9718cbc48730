package watchlist

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
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
	ID       string // hex of the first 16 bytes of SHA-256(Folded)
	Text     string // as typed, trimmed
	Folded   string // purchases.Fold(Text)
	readings []purchases.Reading
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
	t := foldedTerm(folded)
	t.Text = text
	return t, nil
}

// foldedTerm is the term of folded text. Its readings are those of a
// search for the folded text (purchases.TermReadings): every spelling of
// it reads the same, and a country in it is folded too ("cote d ivoire"
// names "Côte d’Ivoire").
func foldedTerm(folded string) Term {
	sum := sha256.Sum256([]byte(folded))
	return Term{ID: hex.EncodeToString(sum[:16]), Folded: folded, readings: purchases.TermReadings(folded)}
}

// member is what the index sets hold for a term: its id and its folded
// text, from which the matcher reads it again.
func (t Term) member() string { return t.ID + " " + t.Folded }

// Matches reports whether p matches t: whether a search for t finds p.
func (t Term) Matches(p purchases.Purchase) bool {
	return t.matches(strings.Fields(p.SearchText()), purchases.Fold(p.Country))
}

// matches is Matches for a purchase's folded words and country.
func (t Term) matches(words []string, country string) bool {
	for _, r := range t.readings {
		if r.Country != "" && r.Country != country {
			continue
		}
		if !slices.ContainsFunc(r.Clauses, func(c purchases.Clause) bool { return !clauseHolds(c, words) }) {
			return true
		}
	}
	return false
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
			if len(words)-i >= len(c.Words) && slices.Equal(words[i:i+len(c.Words)], c.Words) {
				return true
			}
		}
	}
	return false
}

// indexKeys are the sets the term is indexed under, one for each of its
// readings, chosen so that a purchase the reading finds looks in that set
// (see lookupKeys) and few others do:
//
//   - the whole term as a country: watch:c:<country>;
//   - a country and text: watch:cs:<country> <start>, where start is the
//     first two characters of its longest word: a purchase from there with
//     a word that starts so;
//   - one word: watch:w:<word>, or watch:p:<prefix> when it may be a prefix;
//   - more words: watch:ws:<word> <start>, its longest whole word and the
//     start of its longest other word: a purchase that holds the one and a
//     word that starts like the other. Anchored on one word alone, a term
//     made of common words ("night club") would be met by every purchase
//     with its rarer word, in vain.
func (t Term) indexKeys() []string {
	var keys []string
	for _, r := range t.readings {
		if key := readingKey(r); !slices.Contains(keys, key) {
			keys = append(keys, key)
		}
	}
	return keys
}

// unit is one word a reading's clauses ask for: whole, or as a prefix.
type unit struct {
	word  string
	whole bool
}

func readingKey(r purchases.Reading) string {
	if len(r.Clauses) == 0 {
		return countryKeyPrefix + r.Country
	}
	var units []unit
	for _, c := range r.Clauses {
		for _, w := range c.Words {
			units = append(units, unit{w, c.Kind != purchases.PrefixClause})
		}
	}
	// The longest words first: they start more distinctly.
	slices.SortStableFunc(units, func(a, b unit) int {
		return utf8.RuneCountInString(b.word) - utf8.RuneCountInString(a.word)
	})
	switch {
	case r.Country != "":
		return countryStartKeyPrefix + r.Country + " " + start(units[0].word)
	case len(units) == 1 && units[0].whole:
		return wordKeyPrefix + units[0].word
	case len(units) == 1:
		return prefixKeyPrefix + units[0].word
	}
	// The longest whole word (only a term's last word may be a prefix, so
	// of two or more, one is whole), and the longest of the others.
	i := slices.IndexFunc(units, func(u unit) bool { return u.whole })
	j := 0
	if i == 0 {
		j = 1
	}
	return wordStartKeyPrefix + units[i].word + " " + start(units[j].word)
}

// start is the first two characters of a word (the word when shorter): a
// word that starts with a prefix of two characters or more starts like it.
func start(word string) string {
	n := 0
	for i := range word {
		if n == 2 {
			return word[:i]
		}
		n++
	}
	return word
}
