package purchases

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits that keep any term, however long, a cheap query.
const (
	maxTermBytes = 1024
	maxWords     = 12
	maxWordRunes = 64
)

// Query is one search as FT.SEARCH takes it: the query text and the values
// of the $parameters it names, which the engine reads as plain values,
// never as query syntax.
type Query struct {
	Text   string
	Params map[string]any
}

// countryParam is the parameter that carries the user's term to the
// country tag clause.
const countryParam = "country"

// SearchQuery builds the Query Engine query for a user's search term: the
// folded words must all appear in a purchase's artist, album or item (the
// last word may be a prefix, as people type), or the term equals the
// buyer's country. Nothing of the term is read as query syntax: the country
// is a parameter, and the text clause holds only the letters and digits of
// the folded words (a parameter stands for one whole term and is not
// substituted inside a "phrase", so the words cannot be parameters).
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
	var q Query
	var clauses []string
	if text := textClause(Fold(term)); text != "" {
		clauses = append(clauses, "@search_text:("+text+")")
	}
	if country := tagValue(term); country != "" {
		clauses = append(clauses, "@country:{$"+countryParam+"}")
		q.Params = map[string]any{countryParam: country}
	}
	if len(clauses) == 0 {
		return Query{}, fmt.Errorf("%w: term has nothing to search for", ErrBadQuery)
	}
	q.Text = strings.Join(clauses, " | ")
	return q, nil
}

// textClause turns folded words into query terms: runs of CJK characters
// become exact phrases, other words plain terms, and the last word a prefix
// when it is long enough for the index's prefix search (two characters).
func textClause(folded string) string {
	words := strings.Fields(folded)
	if len(words) > maxWords {
		words = words[:maxWords]
	}
	var parts, phrase []string
	flush := func() {
		if len(phrase) > 0 {
			parts = append(parts, `"`+strings.Join(phrase, " ")+`"`)
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
		w = truncateRunes(w, maxWordRunes)
		if i == len(words)-1 && utf8.RuneCountInString(w) >= 2 {
			w += "*"
		}
		parts = append(parts, w)
	}
	flush()
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
