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

// SearchQuery builds the Query Engine query for a user's search term: its
// readings (TermReadings) as alternatives. Nothing of the term is read as
// query syntax: countries are parameters, and a text clause holds only the
// letters and digits of the folded words (a parameter stands for one whole
// term and is not substituted inside a "phrase", so the words cannot be
// parameters).
func SearchQuery(term string) (Query, error) {
	term = strings.TrimSpace(term)
	if term == "" {
		return Query{}, fmt.Errorf("%w: term is required", ErrBadQuery)
	}
	if !utf8.ValidString(term) {
		return Query{}, fmt.Errorf("%w: term is not valid UTF-8", ErrBadQuery)
	}
	readings := TermReadings(term)
	if len(readings) == 0 {
		return Query{}, fmt.Errorf("%w: term has nothing to search for", ErrBadQuery)
	}
	q := Query{Params: map[string]any{}}
	alts := make([]string, len(readings))
	for i, r := range readings {
		text := "@search_text:(" + clauseText(r.Clauses) + ")"
		if r.Country == "" {
			alts[i] = text
			continue
		}
		q.Params[r.param] = r.Country
		country := "@country:{$" + r.param + "}"
		switch {
		case len(r.Clauses) == 0:
			alts[i] = country
		case r.countryFirst:
			alts[i] = "(" + country + " " + text + ")"
		default:
			alts[i] = "(" + text + " " + country + ")"
		}
	}
	if len(q.Params) == 0 {
		q.Params = nil
	}
	q.Text = strings.Join(alts, " | ")
	return q, nil
}

// Reading is one way a search term finds a purchase: each of its clauses
// holds in the purchase's folded text (see Fold) and, when Country is set,
// the purchase's country is Country (a tag: the same letters, in any case).
type Reading struct {
	Country string   // "" for the text alone
	Clauses []Clause // none when the whole term is the country

	param        string // the query parameter that carries Country
	countryFirst bool   // the country is the term's first words
}

// TermReadings are the readings of a search term, in the query's order: its
// folded words (the last one may be a prefix, as people type); the whole
// term as a country; and, for k = 1 to 4 words (fewer than the term has),
// its first k words as a country with the rest as text ("japan cassette"),
// and its last k words as a country after the text ("cassette japan"; the
// text's last word whole). A country holds a letter. The watchlist
// (internal/watchlist) reads a watched term's folded text through it, so a
// term matches what a search for it finds.
func TermReadings(term string) []Reading {
	term = strings.TrimSpace(term)
	if len(term) > maxTermBytes {
		term = truncateUTF8(term, maxTermBytes)
	}
	var out []Reading
	if clauses := termClauses(Fold(term), true); len(clauses) > 0 {
		out = append(out, Reading{Clauses: clauses})
	}
	if c := tagValue(term); c != "" {
		out = append(out, Reading{Country: c, param: countryParam})
	}
	words := strings.Fields(term)
	if len(words) > maxWords {
		words = words[:maxWords]
	}
	for k := 1; k <= maxCountryWords && k < len(words); k++ {
		head, rest := tagValue(strings.Join(words[:k], " ")), strings.Join(words[k:], " ")
		if clauses := termClauses(Fold(rest), true); hasLetter(head) && len(clauses) > 0 {
			out = append(out, Reading{Country: head, Clauses: clauses, param: countryParam + "head" + strconv.Itoa(k), countryFirst: true})
		}
		n := len(words) - k
		rest, tail := strings.Join(words[:n], " "), tagValue(strings.Join(words[n:], " "))
		if clauses := termClauses(Fold(rest), false); hasLetter(tail) && len(clauses) > 0 {
			out = append(out, Reading{Country: tail, Clauses: clauses, param: countryParam + "tail" + strconv.Itoa(k)})
		}
	}
	return out
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

// termClauses is what folded words ask of a purchase's folded text, as
// the search's text clause reads them: runs of CJK characters become exact
// phrases, other words plain words, and the last word a prefix (when
// prefixLast) when it is long enough for the index's prefix search (two
// characters).
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

// clauseText writes clauses as the query's text: "a phrase", word, prefix*.
func clauseText(clauses []Clause) string {
	parts := make([]string, len(clauses))
	for i, c := range clauses {
		switch c.Kind {
		case PhraseClause:
			parts[i] = `"` + strings.Join(c.Words, " ") + `"`
		case PrefixClause:
			parts[i] = c.Words[0] + "*"
		default:
			parts[i] = c.Words[0]
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
