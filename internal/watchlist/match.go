package watchlist

import (
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

// SaveArgs is the block's KEYS and ARGV (see save.lua).
func (m *Matcher) SaveArgs(p purchases.Purchase) ([]string, []any) {
	text := p.SearchText()
	country := purchases.Fold(p.Country)
	lookups := lookupKeys(strings.Fields(text), country)
	args := []any{len(lookups), text, country, hitsPerTerm, int64(m.retention.Seconds()), liveLength}
	if len(lookups) == 0 {
		return nil, args
	}
	return append([]string{LiveStream, TermsKey}, lookups...), args
}

// lookupKeys are the index sets a purchase with these folded words and this
// folded country looks in: each word whole, each prefix of two characters
// or more (up to the length at which a term's words are cut), and the
// country. A term's anchor is among them exactly when the purchase holds
// that word (see Term.indexKeys).
func lookupKeys(words []string, country string) []string {
	seen := make(map[string]struct{}, 4*len(words))
	keys := make([]string, 0, 4*len(words)+1)
	add := func(k string) bool {
		if _, ok := seen[k]; !ok {
			seen[k] = struct{}{}
			keys = append(keys, k)
		}
		return len(keys) < maxLookups
	}
	if country != "" {
		add(countryKeyPrefix + country)
	}
	for _, w := range words {
		if !add(wordKeyPrefix + w) {
			return keys
		}
		runes := 0
		for i := range w {
			if runes >= 2 && !add(prefixKeyPrefix+w[:i]) {
				return keys
			}
			if runes++; runes > purchases.MaxWordRunes {
				break
			}
		}
		if n := utf8.RuneCountInString(w); n >= 2 && n <= purchases.MaxWordRunes && !add(prefixKeyPrefix+w) {
			return keys
		}
	}
	return keys
}
