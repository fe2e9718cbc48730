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

// maxCountryWords is the most words of a term read as a country name
// ("Bosnia and Herzegovina", "Korea, Republic of").
const maxCountryWords = 4

// SearchQuery builds the Query Engine query for a user's search term. A
// purchase matches when the folded words all appear in its artist, album or
// item (the last word may be a prefix, as people type), or the term is its
// buyer's country, or the term's first or last words are its country and the
// other words match the text: "japan cassette" and "cassette japan" find
// cassettes bought in Japan. The country's last word may be a prefix when it
// ends the term. Nothing of the term is read as query syntax.
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
	var alts []string
	if text := textClause(Fold(term), true); text != "" {
		alts = append(alts, "@search_text:("+text+")")
	}
	if tag := countryClause(term, true); tag != "" {
		alts = append(alts, tag)
	}
	words := strings.Fields(term)
	if len(words) > maxWords {
		words = words[:maxWords]
	}
	for k := 1; k <= maxCountryWords && k < len(words); k++ {
		// The country first, then the text, and the other way round. A
		// country name has a letter in it.
		first, rest := strings.Join(words[:k], " "), strings.Join(words[k:], " ")
		if c, t := countryClause(first, false), textClause(Fold(rest), true); hasLetter(first) && t != "" {
			alts = append(alts, "("+c+" @search_text:("+t+"))")
		}
		n := len(words) - k
		rest, last := strings.Join(words[:n], " "), strings.Join(words[n:], " ")
		if t, c := textClause(Fold(rest), false), countryClause(last, true); hasLetter(last) && t != "" {
			alts = append(alts, "(@search_text:("+t+") "+c+")")
		}
	}
	if len(alts) == 0 {
		return "", fmt.Errorf("%w: term has nothing to search for", ErrBadQuery)
	}
	return strings.Join(alts, " | "), nil
}

func hasLetter(s string) bool { return strings.IndexFunc(s, unicode.IsLetter) >= 0 }

// countryClause matches the buyer's country to name; its last word may be a
// prefix (three characters or more) when the user may still be typing it.
func countryClause(name string, prefixLast bool) string {
	tag := EscapeTag(name)
	if tag == "" {
		return ""
	}
	if last := name[strings.LastIndexFunc(name, unicode.IsSpace)+1:]; prefixLast &&
		utf8.RuneCountInString(last) >= 3 && strings.HasSuffix(tag, EscapeTag(last)) && EscapeTag(last) == last {
		// Only a last word of letters and digits: "japan*", never "x\-*".
		tag += "*"
	}
	return "@country:{" + tag + "}"
}

// textClause turns folded words into query terms: runs of CJK characters
// become exact phrases, other words plain terms, and the last word a prefix
// (when prefixLast) when it is long enough for the index's prefix search
// (two characters).
func textClause(folded string, prefixLast bool) string {
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
		if prefixLast && i == len(words)-1 && utf8.RuneCountInString(w) >= 2 {
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
