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

// SearchQuery builds the Query Engine query for a user's search term: the
// folded words must all appear in a purchase's artist, album or item (the
// last word may be a prefix, as people type), or the term equals the
// buyer's country. Nothing of the term is read as query syntax.
func SearchQuery(term string) (string, error) {
	term = strings.TrimSpace(term)
	if term == "" {
		return "", fmt.Errorf("%w: term is required", ErrBadQuery)
	}
	if !utf8.ValidString(term) {
		return "", fmt.Errorf("%w: term is not valid UTF-8", ErrBadQuery)
	}
	if len(term) > maxTermBytes {
		term = truncateUTF8(term, maxTermBytes)
	}
	var clauses []string
	if text := textClause(Fold(term)); text != "" {
		clauses = append(clauses, "@search_text:("+text+")")
	}
	if tag := EscapeTag(term); tag != "" {
		clauses = append(clauses, "@country:{"+tag+"}")
	}
	if len(clauses) == 0 {
		return "", fmt.Errorf("%w: term has nothing to search for", ErrBadQuery)
	}
	return strings.Join(clauses, " | "), nil
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

// EscapeTag escapes a value for a TAG query ({...}): every character that is
// not a letter or digit gets a backslash, so none is read as syntax.
func EscapeTag(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r == utf8.RuneError || unicode.IsControl(r) {
			continue
		}
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
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
