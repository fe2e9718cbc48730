package watchlist

import (
	"hash/fnv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/beatsbyredis/beats/internal/purchases"
)

// Matcher gives the save script's watchlist block what it needs for one
// purchase (purchases.Saver.WithMatcher): the keys of every index set the
// purchase's words could find a term in, and the words themselves.
type Matcher struct {
	retention time.Duration // how long a term's hits are kept
}

// NewMatcher returns a Matcher whose hits expire after retention, like the
// purchases they name.
func NewMatcher(retention time.Duration) *Matcher { return &Matcher{retention: retention} }

// SaveArgs is the block's KEYS and ARGV (see save.lua); text is
// p.SearchText().
func (m *Matcher) SaveArgs(p purchases.Purchase, text string) ([]string, []any) {
	country := purchases.Fold(p.Country)
	lookups := lookupKeys(strings.Fields(text), country)
	args := []any{len(lookups), text, country, hitsPerTerm, int64(m.retention.Seconds()), liveLength, sampled(p.ID)}
	if len(lookups) == 0 {
		return nil, args
	}
	return append([]string{LiveStream, SketchKey}, lookups...), args
}

// countEvery is how many purchases share one count of their lookups in
// the sketch: the anchor needs only the sets' order of frequency, which a
// sample keeps, and counting every purchase cost the save script more
// than the lookups themselves.
const countEvery = 8

// sampled is 1 when the purchase id falls in the counted sample (a
// function of the id, so a purchase stored twice is counted the same).
func sampled(id string) int {
	h := fnv.New32a()
	h.Write([]byte(id))
	if h.Sum32()%countEvery == 0 {
		return 1
	}
	return 0
}

// lookupKeys are the index sets a purchase with these folded words and this
// folded country looks in: each word whole, each prefix of two characters
// or more (up to the length at which a term's words are cut), and the
// country. A term's anchor is among them exactly when the purchase holds
// that word (see Term.indexKeys). A word that comes twice is looked up
// once; two words' common prefixes may come twice, which SUNION takes as
// once. The keys are cut from one string: a purchase has dozens of them,
// and they are made for every purchase.
func lookupKeys(words []string, country string) []string {
	type span struct{ prefix, text string } // a key: prefix + text
	spans := make([]span, 0, 6*len(words)+1)
	add := func(prefix, text string) bool {
		spans = append(spans, span{prefix, text})
		return len(spans) < maxLookups
	}
	if country != "" {
		add(countryKeyPrefix, country)
	}
	seen := make(map[string]struct{}, len(words))
words:
	for _, w := range words {
		if _, dup := seen[w]; dup {
			continue
		}
		seen[w] = struct{}{}
		if !add(wordKeyPrefix, w) {
			break
		}
		runes := 0
		for i := range w {
			if runes >= 2 && !add(prefixKeyPrefix, w[:i]) {
				break words
			}
			if runes++; runes > purchases.MaxWordRunes {
				break
			}
		}
		if n := utf8.RuneCountInString(w); n >= 2 && n <= purchases.MaxWordRunes && !add(prefixKeyPrefix, w) {
			break
		}
	}
	size := 0
	for _, sp := range spans {
		size += len(sp.prefix) + len(sp.text)
	}
	var b strings.Builder
	b.Grow(size)
	for _, sp := range spans {
		b.WriteString(sp.prefix)
		b.WriteString(sp.text)
	}
	all := b.String()
	keys := make([]string, len(spans))
	at := 0
	for i, sp := range spans {
		n := len(sp.prefix) + len(sp.text)
		keys[i], at = all[at:at+n], at+n
	}
	return keys
}
