package watchlist

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/redis/go-redis/v9"

	"github.com/beatsbyredis/beats/internal/purchases"
)

// Matcher decides which terms each purchase matches, for the Saver that
// stores it (purchases.Saver.WithMatcher): it reads the purchase's
// candidate terms from the index (one SUNION of the sets its words look
// in), checks them here, and hands the matches to the save script, which
// writes them in the same atomic step as the purchase, once: a purchase
// delivered twice is matched twice, but stops at the script's guard.
//
// A term added while a purchase is between the read and its save may miss
// that one purchase; it was added at the same time.
type Matcher struct {
	rdb       redis.UniversalClient
	retention time.Duration // how long a term's hits are kept

	mu    sync.Mutex
	terms map[string]Term // by index member: candidates read before

	purchases, checked, matched, matchedPurchases atomic.Uint64
}

// termCache bounds the terms a Matcher keeps read; past it, it starts over.
const termCache = 100_000

// NewMatcher returns a Matcher reading the index from rdb, whose hits
// expire after retention, like the purchases they name.
func NewMatcher(rdb redis.UniversalClient, retention time.Duration) *Matcher {
	return &Matcher{rdb: rdb, retention: retention, terms: map[string]Term{}}
}

// SaveArgs gives save.lua's watchlist block its KEYS and ARGV for each
// purchase (texts[i] is ps[i].SearchText()), after one round trip that
// reads every purchase's candidates.
//
// The block's ARGV: the number n of terms matched, their ids (space
// between), the hits kept per term, their TTL (s) and the approximate
// length of watch:live. Its KEYS, none when n is 0: watch:live, then each
// term's watch:hits:<id>.
func (m *Matcher) SaveArgs(ctx context.Context, ps []purchases.Purchase, texts []string) ([]purchases.BlockArgs, error) {
	words := make([][]string, len(ps))
	countries := make([]string, len(ps))
	reads := make([]*redis.StringSliceCmd, len(ps))
	pipe := m.rdb.Pipeline()
	for i, p := range ps {
		words[i], countries[i] = strings.Fields(texts[i]), purchases.Fold(p.Country)
		if keys := lookupKeys(words[i], countries[i]); len(keys) > 0 {
			reads[i] = pipe.SUnion(ctx, keys...)
		}
	}
	if pipe.Len() > 0 {
		if _, err := pipe.Exec(ctx); err != nil {
			return nil, fmt.Errorf("watchlist: read the candidates of %d purchases: %w", len(ps), err)
		}
	}
	out := make([]purchases.BlockArgs, len(ps))
	for i := range ps {
		var ids []string
		if reads[i] != nil {
			ids = m.match(reads[i].Val(), words[i], countries[i])
		}
		out[i] = m.blockArgs(ids)
	}
	m.purchases.Add(uint64(len(ps)))
	return out, nil
}

// match returns the ids of the candidates (index members) that a
// purchase with these folded words and country matches.
func (m *Matcher) match(candidates, words []string, country string) []string {
	var ids []string
	for _, c := range candidates {
		if t, ok := m.term(c); ok && t.matches(words, country) {
			ids = append(ids, t.ID)
		}
	}
	m.checked.Add(uint64(len(candidates)))
	m.matched.Add(uint64(len(ids)))
	if len(ids) > 0 {
		m.matchedPurchases.Add(1)
	}
	return ids
}

// term reads an index member ("<id> <folded text>") as its Term; a term's
// readings depend on its text alone, so they are kept.
func (m *Matcher) term(member string) (Term, bool) {
	m.mu.Lock()
	t, ok := m.terms[member]
	m.mu.Unlock()
	if ok {
		return t, true
	}
	id, folded, ok := strings.Cut(member, " ")
	if !ok || !utf8.ValidString(folded) {
		return Term{}, false
	}
	if t = foldedTerm(folded); t.ID != id { // not a member Add wrote
		return Term{}, false
	}
	m.mu.Lock()
	if len(m.terms) >= termCache {
		clear(m.terms)
	}
	m.terms[member] = t
	m.mu.Unlock()
	return t, true
}

func (m *Matcher) blockArgs(ids []string) purchases.BlockArgs {
	args := []any{len(ids), strings.Join(ids, " "), hitsPerTerm, int64(m.retention.Seconds()), liveLength}
	if len(ids) == 0 {
		return purchases.BlockArgs{Args: args}
	}
	keys := make([]string, 0, 1+len(ids))
	keys = append(keys, LiveStream)
	for _, id := range ids {
		keys = append(keys, hitsKey(id))
	}
	return purchases.BlockArgs{Keys: keys, Args: args}
}

// MatcherStats count what a Matcher has done since it was made.
type MatcherStats struct {
	Purchases        uint64 // purchases matched against the terms
	Candidates       uint64 // candidate terms read and checked
	Matches          uint64 // (purchase, term) pairs that matched
	MatchedPurchases uint64 // purchases that matched a term or more
}

// Stats are the Matcher's counts so far.
func (m *Matcher) Stats() MatcherStats {
	return MatcherStats{
		Purchases: m.purchases.Load(), Candidates: m.checked.Load(),
		Matches: m.matched.Load(), MatchedPurchases: m.matchedPurchases.Load(),
	}
}

// lookupKeys are the index sets a purchase with these folded words and
// this folded country looks in (see Term.indexKeys): its country; each
// word; each prefix of each word, of two characters up to the length at
// which a term's words are cut; its country with the start of each word;
// and each word with the start of each word. Every reading that finds the
// purchase has its set among them (TestAnchorAmongLookups). A word that
// comes twice is looked up once; common prefixes and starts may come
// twice, which SUNION takes as once. At most maxLookups: a longer text is
// matched on its first words.
func lookupKeys(words []string, country string) []string {
	var b strings.Builder
	b.Grow(len(words) * len(words) * 16)
	var ends []int
	add := func(prefix, text, start string) bool {
		b.WriteString(prefix)
		b.WriteString(text)
		if start != "" {
			b.WriteByte(' ')
			b.WriteString(start)
		}
		ends = append(ends, b.Len())
		return len(ends) < maxLookups
	}
	distinct := make([]string, 0, len(words))
	starts := make([]string, 0, len(words))
	for _, w := range words {
		if !slices.Contains(distinct, w) {
			distinct = append(distinct, w)
			if s := start(w); !slices.Contains(starts, s) {
				starts = append(starts, s)
			}
		}
	}
	func() {
		if country != "" && !add(countryKeyPrefix, country, "") {
			return
		}
		for _, w := range distinct {
			if !add(wordKeyPrefix, w, "") {
				return
			}
			runes := 0
			for i := range w {
				if runes >= 2 && !add(prefixKeyPrefix, w[:i], "") {
					return
				}
				if runes++; runes > purchases.MaxWordRunes {
					break
				}
			}
			if n := utf8.RuneCountInString(w); n >= 2 && n <= purchases.MaxWordRunes && !add(prefixKeyPrefix, w, "") {
				return
			}
		}
		for _, s := range starts {
			if country != "" && !add(countryStartKeyPrefix, country, s) {
				return
			}
		}
		for _, w := range distinct {
			for _, s := range starts {
				if !add(wordStartKeyPrefix, w, s) {
					return
				}
			}
		}
	}()
	all := b.String()
	keys := make([]string, len(ends))
	at := 0
	for i, end := range ends {
		keys[i], at = all[at:end], end
	}
	return keys
}
