package watchlist_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/beatsbyredis/beats/internal/feed"
	"github.com/beatsbyredis/beats/internal/purchases"
	"github.com/beatsbyredis/beats/internal/redistest"
	"github.com/beatsbyredis/beats/internal/watchlist"
)

const retention = 30 * 24 * time.Hour

// setup starts a fresh Redis Stack with the index, and returns a watchlist
// service and a saver that matches what it stores.
func setup(t *testing.T) (*redis.Client, *watchlist.Service, *purchases.Saver) {
	t.Helper()
	rdb := redistest.New(t)
	if err := purchases.EnsureIndex(context.Background(), rdb); err != nil {
		t.Fatal(err)
	}
	saver := purchases.NewSaver(rdb, retention).WithMatcher(watchlist.NewMatcher(rdb, retention))
	return rdb, watchlist.New(rdb, retention), saver
}

// recorded is the recorded real feed's purchases, moved to now, and n
// synthetic ones (styled letters, accents, CJK titles).
func recorded(t *testing.T, synthetic int) []purchases.Purchase {
	t.Helper()
	ctx := context.Background()
	replay, err := feed.NewReplay("../../testdata/feed-2020-09-09.jsonl", feed.ReplayOptions{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	var out []purchases.Purchase
	for {
		sale, err := replay.Next(ctx)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range sale.Items {
			out = append(out, purchases.Normalize(it))
		}
	}
	gen := feed.NewSynthetic(feed.SyntheticOptions{Seed: 16, Rate: 50})
	for n := 0; n < synthetic; {
		sale, _ := gen.Next(ctx)
		for _, it := range sale.Items {
			out = append(out, purchases.Normalize(it))
			n++
		}
	}
	return out
}

func saveAll(t *testing.T, saver *purchases.Saver, ps []purchases.Purchase) {
	t.Helper()
	for _, p := range ps {
		if _, err := saver.Save(context.Background(), p); err != nil {
			t.Fatal(err)
		}
	}
}

func add(t *testing.T, s *watchlist.Service, user, term string) watchlist.Watch {
	t.Helper()
	w, _, err := s.Add(context.Background(), user, term)
	if err != nil {
		t.Fatalf("add %q for %s: %v", term, user, err)
	}
	return w
}

// hitIDs are the purchase ids in a term's hits, oldest first.
func hitIDs(t *testing.T, rdb *redis.Client, termID string) []string {
	t.Helper()
	entries, err := rdb.XRange(context.Background(), watchlist.HitsKeyPrefix+termID, "-", "+").Result()
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, e := range entries {
		ids = append(ids, e.Values["p"].(string))
	}
	return ids
}

// indexed reports whether the index set key holds the term id.
func indexed(t *testing.T, rdb *redis.Client, key, id string) bool {
	t.Helper()
	members, err := rdb.SMembers(context.Background(), key).Result()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range members {
		if strings.HasPrefix(m, id+" ") {
			return true
		}
	}
	return false
}
