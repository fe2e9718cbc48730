package ingest_test

import (
	"context"
	"testing"
	"time"

	"github.com/beatsbyredis/beats/internal/purchases"
)

// TestReadOnceStoresABacklogInOneCall: with more entries than one batch, a
// ReadOnce stores them all (storing a batch, then reading the next), even
// when Redis first answers NOSCRIPT (its script cache empty).
func TestReadOnceStoresABacklogInOneCall(t *testing.T) {
	ctx := context.Background()
	rdb, pub := setup(t)
	now := time.Now()
	for i := range 130 { // 260 entries; the test processor reads 200 a batch
		if err := pub.Publish(ctx, sale(now.Add(-time.Duration(i)*time.Second), "a", "b")); err != nil {
			t.Fatal(err)
		}
	}
	if err := rdb.ScriptFlush(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	n, err := processor(rdb, "p").ReadOnce(ctx)
	if err != nil || n != 260 {
		t.Fatalf("ReadOnce = %d, %v; want 260", n, err)
	}
	if pending := rdb.XPending(ctx, purchases.Stream, purchases.ConsumerGroup).Val().Count; pending != 0 {
		t.Fatalf("%d entries left pending", pending)
	}
	assertStored(t, rdb, 260)
}
