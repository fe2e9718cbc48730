package purchases

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits that keep any term, however long, a cheap query.
const (
	maxTermBytes = 1024
	maxWords     = 12
	MaxWordRunes = 64 // a longer word of a term is cut here (the watchlist looks up prefixes this long)
)

// Query is one search as FT.SEARCH takes it: the query text and the values
// of the $parameters it names, which the engine reads as plain values,
// never as query syntax.
type Query struct {
	Text   string
	Params map[string]any
}

// countryParam is the parameter that carries the user's term to the
// country tag clause; the words of a term read as a country (see
// SearchQuery) go in countryParam+"head1".."head4" and "tail1".."tail4".
const countryParam = "country"

// maxCountryWords is the most words of a term read as a country name
// ("Bosnia and Herzegovina", "Korea, Republic of").
const maxCountryWords = 4

// SearchQuery builds the Query Engine query for a user's search term. A
// purchase matches when the folded words all appear in its artist, album or
// item (the last word may be a prefix, as people type), or the term equals
// its buyer's country, or the term's first or last words are its country and
// the other words match the text: "japan cassette" and "cassette japan" find
// cassettes bought in Japan. Nothing of the term is read as query syntax:
// countries are parameters, and a text clause holds only the letters and
// digits of the folded words (a parameter stands for one whole term and is
// not substituted inside a "phrase", so the words cannot be parameters).
func SearchQuery(term string) (Query, error) {
	term = strings.TrimSpace(term)
	if term == "" {
		return Query{}, fmt.Errorf("%w: term is required", ErrBadQuery)
	}
	if !utf8.ValidString(term) {
		return Query{}, fmt.Errorf("%w: term is not valid UTF-8", ErrBadQuery)
	}
	if len(term) > maxTermBytes {
		term = truncateUTF8(term, maxTermBytes)
	}
	q := Query{Params: map[string]any{}}
	var alts []string
	country := func(name, value string) string {
		q.Params[name] = value
		return "@country:{$" + name + "}"
	}
	if text := textClause(Fold(term), true); text != "" {
		alts = append(alts, "@search_text:("+text+")")
	}
	if c := tagValue(term); c != "" {
		alts = append(alts, country(countryParam, c))
	}
	words := strings.Fields(term)
	if len(words) > maxWords {
		words = words[:maxWords]
	}
	for k := 1; k <= maxCountryWords && k < len(words); k++ {
		// The country first, then the text, and the other way round. A
		// country name has a letter in it.
		head, rest := tagValue(strings.Join(words[:k], " ")), strings.Join(words[k:], " ")
		if t := textClause(Fold(rest), true); hasLetter(head) && t != "" {
			alts = append(alts, "("+country(countryParam+"head"+strconv.Itoa(k), head)+" @search_text:("+t+"))")
		}
		n := len(words) - k
		rest, tail := strings.Join(words[:n], " "), tagValue(strings.Join(words[n:], " "))
		if t := textClause(Fold(rest), false); hasLetter(tail) && t != "" {
			alts = append(alts, "(@search_text:("+t+") "+country(countryParam+"tail"+strconv.Itoa(k), tail)+")")
		}
	}
	if len(alts) == 0 {
		return Query{}, fmt.Errorf("%w: term has nothing to search for", ErrBadQuery)
	}
	if len(q.Params) == 0 {
		q.Params = nil
	}
	q.Text = strings.Join(alts, " | ")
	return q, nil
}

func hasLetter(s string) bool { return strings.IndexFunc(s, unicode.IsLetter) >= 0 }

// ClauseKind says how a clause's words must appear in a purchase's folded
// text (see Fold) for a term to find it.
type ClauseKind int

const (
	WordClause   ClauseKind = iota // the word itself
	PrefixClause                   // a word that starts with it
	PhraseClause                   // these words, one right after the other
)

// Clause is one condition of a term's text: a purchase's text matches when
// it meets every clause.
type Clause struct {
	Kind  ClauseKind
	Words []string // one word, except for a phrase
}

// TermClauses is what a folded term asks of a purchase's folded text, as
// the search's text clause reads it: runs of CJK characters become exact
// phrases, other words plain words, and the last word a prefix when it is
// long enough for the index's prefix search (two characters). The
// watchlist (internal/watchlist) reads terms through it, so a watched term
// matches what a search for its text finds.
func TermClauses(folded string) []Clause { return termClauses(folded, true) }

func termClauses(folded string, prefixLast bool) []Clause {
	words := strings.Fields(folded)
	if len(words) > maxWords {
		words = words[:maxWords]
	}
	var clauses []Clause
	var phrase []string
	flush := func() {
		if len(phrase) > 0 {
			clauses = append(clauses, Clause{Kind: PhraseClause, Words: phrase})
			phrase = nil
		}
	}
	for i, w := range words {
		r, _ := utf8.DecodeRuneInString(w)
		if isCJK(r) {
			phrase = append(phrase, w)
			continue
		}
		flush()
		w = truncateRunes(w, MaxWordRunes)
		kind := WordClause
		if prefixLast && i == len(words)-1 && utf8.RuneCountInString(w) >= 2 {
			kind = PrefixClause
		}
		clauses = append(clauses, Clause{Kind: kind, Words: []string{w}})
	}
	flush()
	return clauses
}

// textClause turns folded words into query terms (see termClauses; the
// last word is a prefix when prefixLast).
func textClause(folded string, prefixLast bool) string {
	var parts []string
	for _, c := range termClauses(folded, prefixLast) {
		switch c.Kind {
		case PhraseClause:
			parts = append(parts, `"`+strings.Join(c.Words, " ")+`"`)
		case PrefixClause:
			parts = append(parts, c.Words[0]+"*")
		default:
			parts = append(parts, c.Words[0])
		}
	}
	return strings.Join(parts, " ")
}

// tagValue is the term as a tag value: without control characters and
// U+FFFD, which no country name holds.
func tagValue(s string) string {
	return strings.Map(func(r rune) rune {
		if r == utf8.RuneError || unicode.IsControl(r) {
			return -1
		}
		return r
	}, s)
}

func truncateRunes(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}

func truncateUTF8(s string, n int) string {
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
