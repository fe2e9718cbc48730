package watchlist

import (
	"cmp"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/redis/go-redis/v9"
)

// Errors the HTTP layer maps to statuses, besides ErrBadTerm.
var (
	ErrNotFound = errors.New("watchlist: not found")
	ErrTooMany  = fmt.Errorf("watchlist: at most %d terms", MaxTerms)
)

var (
	//go:embed add.lua
	addLua    string
	addScript = redis.NewScript(addLua)
	//go:embed remove.lua
	removeLua    string
	removeScript = redis.NewScript(removeLua)
)

// Watch is one term a user watches, as the API shows it.
type Watch struct {
	ID      string `json:"id"`
	Term    string `json:"term"`
	Created int64  `json:"created"` // epoch milliseconds, Redis's clock
}

// entry is a Watch as the user's hash holds it, under its id.
type entry struct {
	Term    string `json:"term"`
	Created int64  `json:"created"`
}

// Service keeps the users' watchlists and reads their matches.
type Service struct {
	rdb       redis.UniversalClient
	retention time.Duration
	now       func() time.Time
}

// New returns a Service whose matches are kept for retention, like the
// purchases they name.
func New(rdb redis.UniversalClient, retention time.Duration) *Service {
	return &Service{rdb: rdb, retention: retention, now: time.Now}
}

// List returns the user's terms, newest first.
func (s *Service) List(ctx context.Context, userID string) ([]Watch, error) {
	raw, err := s.rdb.HGetAll(ctx, userKey(userID)).Result()
	if err != nil {
		return nil, fmt.Errorf("watchlist: HGETALL %s: %w", userKey(userID), err)
	}
	return decodeWatches(raw), nil
}

// decodeWatches reads a user's hash, newest first; a field that does not
// decode (written by hand) is left out rather than failing the list.
func decodeWatches(raw map[string]string) []Watch {
	out := make([]Watch, 0, len(raw))
	for id, v := range raw {
		var e entry
		if json.Unmarshal([]byte(v), &e) == nil {
			out = append(out, Watch{ID: id, Term: e.Term, Created: e.Created})
		}
	}
	slices.SortFunc(out, func(a, b Watch) int { return cmp.Or(cmp.Compare(b.Created, a.Created), cmp.Compare(a.ID, b.ID)) })
	return out
}

// Add watches raw for the user. It returns the new Watch and true, or the
// one the user already has for the same folded text and false; ErrBadTerm
// or ErrTooMany otherwise.
func (s *Service) Add(ctx context.Context, userID, raw string) (Watch, bool, error) {
	t, err := ParseTerm(raw)
	if err != nil {
		return Watch{}, false, err
	}
	keys := append([]string{userKey(userID), TermsKey, watchersKey(t.ID), LiveStream}, t.indexKeys()...)
	res, err := addScript.Run(ctx, s.rdb, keys, t.ID, t.Text, t.Folded, MaxTerms, userID, liveLength, t.member()).Slice()
	if err != nil {
		return Watch{}, false, fmt.Errorf("watchlist: add %q for %s: %w", t.Text, userID, err)
	}
	status, _ := res[0].(int64)
	if status < 0 {
		return Watch{}, false, ErrTooMany
	}
	raw, _ = res[1].(string)
	var e entry
	if err := json.Unmarshal([]byte(raw), &e); err != nil {
		return Watch{}, false, fmt.Errorf("watchlist: decode %s of %s: %w", t.ID, userID, err)
	}
	return Watch{ID: t.ID, Term: e.Term, Created: e.Created}, status == 1, nil
}

// Remove stops watching the term id for the user; ErrNotFound when the
// user does not watch it.
func (s *Service) Remove(ctx context.Context, userID, id string) error {
	raw, err := s.rdb.HGet(ctx, userKey(userID), id).Result()
	if errors.Is(err, redis.Nil) {
		return fmt.Errorf("watchlist: %s of %s: %w", id, userID, ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("watchlist: HGET %s %s: %w", userKey(userID), id, err)
	}
	var e entry
	if err := json.Unmarshal([]byte(raw), &e); err != nil {
		return fmt.Errorf("watchlist: decode %s of %s: %w", id, userID, err)
	}
	t, err := ParseTerm(e.Term)
	if err != nil || t.ID != id {
		return fmt.Errorf("watchlist: %s of %s holds %q, not its term", id, userID, e.Term)
	}
	keys := append([]string{userKey(userID), TermsKey, watchersKey(id), LiveStream, hitsKey(id)}, t.indexKeys()...)
	n, err := removeScript.Run(ctx, s.rdb, keys, id, userID, liveLength, t.member()).Int()
	if err != nil {
		return fmt.Errorf("watchlist: remove %s of %s: %w", id, userID, err)
	}
	if n == 0 { // removed meanwhile, by another request
		return fmt.Errorf("watchlist: %s of %s: %w", id, userID, ErrNotFound)
	}
	return nil
}
