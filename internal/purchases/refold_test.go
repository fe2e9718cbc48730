package purchases_test

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/beatsbyredis/beats/internal/purchases"
	"github.com/beatsbyredis/beats/internal/testwait"
)

// TestRefoldRewritesOldDocuments: documents stored when Ø, æ and ß did not
// fold are found by what people type once Refold has run (at start, in
// the background), with no flush and their expiry kept; it runs once per
// database, whichever instances start together.
func TestRefoldRewritesOldDocuments(t *testing.T) {
	ctx := context.Background()
	rdb, saver, reader := setup(t)
	now := time.Now()
	old := []struct {
		artist, title, oldText string
	}{
		{"Y-NØT", "Bad Habits", "y nøt bad habits"},
		{"Sigur Rós", "Ágætis byrjun", "sigur ros agætis byrjun"},
		{"Die Ärzte", "Straße", "die arzte straße"},
	}
	for i, o := range old {
		it := item(now.Add(-time.Duration(i)*time.Second), o.artist, o.title, "Iceland", "is", 1)
		save(t, saver, it)
		// As an earlier version folded and stored it.
		if err := rdb.JSONSet(ctx, purchases.Key(purchases.Normalize(it).ID), "$.search_text", `"`+o.oldText+`"`).Err(); err != nil {
			t.Fatal(err)
		}
	}
	rdb.Del(ctx, purchases.FoldedKey)
	for _, term := range []string{"Y-NOT", "agaetis", "strasse"} {
		testwait.UntilSeen(t, 5*time.Second, "the index to hold the old folding", func() (bool, string) {
			found, err := reader.Search(ctx, term)
			return err == nil && len(found) == 0, term
		})
	}

	var wg sync.WaitGroup
	for range 3 { // three instances starting at once
		wg.Go(func() {
			if err := purchases.Refold(ctx, rdb, slog.New(slog.DiscardHandler)); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	for _, term := range []string{"Y-NOT", "y-nøt", "agaetis", "Ágætis", "strasse"} {
		testwait.UntilSeen(t, 5*time.Second, "search to find the refolded document", func() (bool, string) {
			found, err := reader.Search(ctx, term)
			return err == nil && len(found) == 1, term
		})
	}
	if v := rdb.Get(ctx, purchases.FoldedKey).Val(); v != "2" || rdb.Exists(ctx, purchases.FoldedLockKey).Val() != 0 {
		t.Errorf("%s = %q, lock left: %d", purchases.FoldedKey, v, rdb.Exists(ctx, purchases.FoldedLockKey).Val())
	}
	keys := rdb.Keys(ctx, purchases.KeyPrefix+"*").Val()
	for _, k := range keys {
		if ttl := rdb.TTL(ctx, k).Val(); ttl <= 0 {
			t.Errorf("%s lost its expiry (%v)", k, ttl)
		}
	}
}
