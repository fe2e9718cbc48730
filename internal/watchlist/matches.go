package watchlist

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/beatsbyredis/beats/internal/purchases"
)

// PageSize is how many matches one GET /watchlist/matches answers.
const PageSize = 25

// ErrBadCursor is a before= that no page gave.
var ErrBadCursor = errors.New("bad cursor")

// Match is one purchase that matched one of a user's terms.
type Match struct {
	ID       string             `json:"id"`      // <stream id>.<term id>: unique per user
	WatchID  string             `json:"watchId"` // the term's id (Watch.ID)
	Term     string             `json:"term"`    // as the user typed it
	At       int64              `json:"at"`      // when it was stored, epoch milliseconds
	Purchase purchases.Purchase `json:"purchase"`
}

// Page is one page of a user's matches, newest first; Next is the cursor
// of the page after it, nil at the end.
type Page struct {
	Matches []Match `json:"matches"`
	Next    *string `json:"next"`
}

// hit is one entry of a term's hits: its stream id is the watch:live id
// of the match, the same for every term the purchase matched.
type hit struct {
	at       streamID
	termID   string
	purchase string
}

// Matches returns a page of the user's matches: the hits of each term the
// user watches, since they began to watch it and within the retention,
// merged newest first (ties by term id, descending), at most KeptMatches
// over all pages. before is the previous page's Next, or "".
//
// Each page reads the user's terms, then at most PageSize+1 hits of each
// (at most MaxTerms terms), then the page's purchases: three round trips.
func (s *Service) Matches(ctx context.Context, userID, before string) (Page, error) {
	page := Page{Matches: []Match{}}
	cur, err := parseCursor(before)
	if err != nil {
		return page, err
	}
	limit := min(PageSize, KeptMatches-cur.count)
	if limit <= 0 {
		return page, nil
	}
	watches, err := s.List(ctx, userID)
	if err != nil {
		return page, err
	}
	hits, err := s.readHits(ctx, watches, cur, limit+1)
	if err != nil {
		return page, err
	}
	more := len(hits) > limit
	hits = hits[:min(len(hits), limit)]
	if more && cur.count+limit < KeptMatches {
		last := hits[len(hits)-1]
		next := cursor{at: last.at, termID: last.termID, count: cur.count + limit}.String()
		page.Next = &next
	}
	page.Matches, err = s.withPurchases(ctx, hits, watches)
	return page, err
}

// readHits reads up to n hits of each term before cur and merges them.
func (s *Service) readHits(ctx context.Context, watches []Watch, cur cursor, n int) ([]hit, error) {
	oldest := s.now().Add(-s.retention).UnixMilli()
	pipe := s.rdb.Pipeline()
	cmds := make([]*redis.XMessageSliceCmd, len(watches))
	for i, w := range watches {
		end := "+"
		if cur.termID != "" {
			end = cur.at.String() // inclusive: the same purchase, a smaller term id
			if w.ID >= cur.termID {
				end = "(" + end
			}
		}
		start := strconv.FormatInt(max(w.Created, oldest), 10)
		cmds[i] = pipe.XRevRangeN(ctx, hitsKey(w.ID), end, start, int64(n))
	}
	if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
		return nil, fmt.Errorf("watchlist: read hits: %w", err)
	}
	var hits []hit
	for i, cmd := range cmds {
		for _, m := range cmd.Val() {
			at, ok := parseStreamID(m.ID)
			p, _ := m.Values["p"].(string)
			if ok && p != "" {
				hits = append(hits, hit{at: at, termID: watches[i].ID, purchase: p})
			}
		}
	}
	slices.SortFunc(hits, func(a, b hit) int {
		return cmp.Or(b.at.compare(a.at), strings.Compare(b.termID, a.termID))
	})
	return hits[:min(len(hits), n)], nil
}

// withPurchases reads the hits' purchases in one JSON.MGET; a purchase
// that has expired meanwhile is left out.
func (s *Service) withPurchases(ctx context.Context, hits []hit, watches []Watch) ([]Match, error) {
	out := []Match{}
	if len(hits) == 0 {
		return out, nil
	}
	terms := make(map[string]string, len(watches))
	for _, w := range watches {
		terms[w.ID] = w.Term
	}
	keys := make([]string, len(hits))
	for i, h := range hits {
		keys[i] = purchases.Key(h.purchase)
	}
	docs, err := s.rdb.JSONMGet(ctx, "$", keys...).Result()
	if err != nil {
		return nil, fmt.Errorf("watchlist: JSON.MGET %d purchases: %w", len(keys), err)
	}
	for i, h := range hits {
		raw, _ := docs[i].(string)
		p, found, err := purchases.DecodePathAnswer(raw)
		if err != nil {
			return nil, fmt.Errorf("watchlist: decode %s: %w", h.purchase, err)
		}
		if !found {
			continue
		}
		p.ID = h.purchase
		out = append(out, Match{ID: h.at.String() + "." + h.termID, WatchID: h.termID, Term: terms[h.termID], At: h.at.ms, Purchase: p})
	}
	return out, nil
}

// streamID is a Redis stream entry id, <ms>-<seq>.
type streamID struct{ ms, seq int64 }

func parseStreamID(s string) (streamID, bool) {
	msText, seqText, ok := strings.Cut(s, "-")
	ms, err1 := strconv.ParseInt(msText, 10, 64)
	seq, err2 := strconv.ParseInt(seqText, 10, 64)
	return streamID{ms, seq}, ok && err1 == nil && err2 == nil && ms >= 0 && seq >= 0
}

func (id streamID) String() string { return fmt.Sprintf("%d-%d", id.ms, id.seq) }

func (id streamID) compare(o streamID) int {
	return cmp.Or(cmp.Compare(id.ms, o.ms), cmp.Compare(id.seq, o.seq))
}

// cursor is where a page ends: the last match's stream id and term id, and
// how many matches the pages so far held (so the list stops at KeptMatches).
type cursor struct {
	at     streamID
	termID string
	count  int
}

var cursorPattern = regexp.MustCompile(`^(\d{1,19}-\d{1,19})\.([0-9a-f]{32})\.(\d{1,3})$`)

func parseCursor(s string) (cursor, error) {
	if s == "" {
		return cursor{}, nil
	}
	m := cursorPattern.FindStringSubmatch(s)
	if m == nil {
		return cursor{}, fmt.Errorf("%w: before must be the next cursor of a page", ErrBadCursor)
	}
	at, ok := parseStreamID(m[1])
	count, _ := strconv.Atoi(m[3])
	if !ok || count > KeptMatches {
		return cursor{}, fmt.Errorf("%w: before must be the next cursor of a page", ErrBadCursor)
	}
	return cursor{at: at, termID: m[2], count: count}, nil
}

func (c cursor) String() string { return fmt.Sprintf("%s.%s.%d", c.at, c.termID, c.count) }
