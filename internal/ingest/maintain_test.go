package ingest_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/beatsbyredis/beats/internal/purchases"
	"github.com/beatsbyredis/beats/internal/testwait"
)

// TestTrimKeepsWhatIsNotStored: the stream loses only old entries that
// every group has stored; pending and undelivered ones stay.
func TestTrimKeepsWhatIsNotStored(t *testing.T) {
	ctx := context.Background()
	rdb, pub := setup(t)
	// Three entries from an hour ago (ids set by hand), stored long since.
	old := time.Now().Add(-time.Hour).UnixMilli()
	for i := range 3 {
		if err := rdb.XAdd(ctx, &redis.XAddArgs{Stream: purchases.Stream, ID: fmt.Sprintf("%d-%d", old, i),
			Values: []any{"id", fmt.Sprint("old-", i), "item", "{}"}}).Err(); err != nil {
			t.Fatal(err)
		}
	}
	if err := rdb.XGroupSetID(ctx, purchases.Stream, purchases.ConsumerGroup, fmt.Sprintf("%d-2", old)).Err(); err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		if err := pub.Publish(ctx, sale(time.Now().Add(time.Duration(i)*time.Second), "a", "b")); err != nil {
			t.Fatal(err)
		}
	}
	// A consumer reads 4 of the 10 entries and dies: they stay pending.
	if err := rdb.XReadGroup(ctx, &redis.XReadGroupArgs{Group: purchases.ConsumerGroup, Consumer: "dead",
		Streams: []string{purchases.Stream, ">"}, Count: 4}).Err(); err != nil {
		t.Fatal(err)
	}
	p := processor(rdb, "live")
	if err := p.Trim(ctx); err != nil {
		t.Fatal(err)
	}
	if n := rdb.XLen(ctx, purchases.Stream).Val(); n != 10 {
		t.Fatalf("after trimming with 4 pending and 6 unread: %d entries, want the 10 recent ones", n)
	}
	// Store everything (the pending ones once they are reclaimed), then trim.
	if _, err := p.ReadOnce(ctx); err != nil {
		t.Fatal(err)
	}
	testwait.Until(t, 5*time.Second, "the dead consumer's entries to idle", func() bool {
		pending, _ := rdb.XPendingExt(ctx, &redis.XPendingExtArgs{Stream: purchases.Stream, Group: purchases.ConsumerGroup, Start: "-", End: "+", Count: 10}).Result()
		return len(pending) == 4 && pending[0].Idle >= 50*time.Millisecond
	})
	if _, err := p.Reclaim(ctx); err != nil {
		t.Fatal(err)
	}
	if err := p.Trim(ctx); err != nil {
		t.Fatal(err)
	}
	if n := rdb.XLen(ctx, purchases.Stream).Val(); n != 10 {
		t.Fatalf("recent stored entries were trimmed: %d left, want 10 (kept for 10 minutes)", n)
	}
	assertStored(t, rdb, 10)
}

// TestEntryTriedTooOftenGoesToDeadLetters: an entry that keeps failing is
// not retried forever.
func TestEntryTriedTooOftenGoesToDeadLetters(t *testing.T) {
	ctx := context.Background()
	rdb, pub := setup(t)
	if err := pub.Publish(ctx, sale(time.Now(), "poison")); err != nil {
		t.Fatal(err)
	}
	read, err := rdb.XReadGroup(ctx, &redis.XReadGroupArgs{Group: purchases.ConsumerGroup, Consumer: "dead",
		Streams: []string{purchases.Stream, ">"}, Count: 1}).Result()
	if err != nil {
		t.Fatal(err)
	}
	id := read[0].Messages[0].ID
	// As if five consumers had read it and died before acknowledging.
	if err := rdb.Do(ctx, "XCLAIM", purchases.Stream, purchases.ConsumerGroup, "dead", 0, id, "RETRYCOUNT", 5).Err(); err != nil {
		t.Fatal(err)
	}
	p := processor(rdb, "live")
	testwait.Until(t, 5*time.Second, "the entry to idle", func() bool {
		pending, _ := rdb.XPendingExt(ctx, &redis.XPendingExtArgs{Stream: purchases.Stream, Group: purchases.ConsumerGroup, Start: "-", End: "+", Count: 1}).Result()
		return len(pending) == 1 && pending[0].Idle >= 50*time.Millisecond
	})
	if _, err := p.Reclaim(ctx); err != nil {
		t.Fatal(err)
	}
	dead, err := rdb.XRange(ctx, purchases.DeadStream, "-", "+").Result()
	if err != nil || len(dead) != 1 || dead[0].Values["entry"] != id || dead[0].Values["item"] == nil {
		t.Fatalf("dead letters = %v, %v; want the entry with its item", dead, err)
	}
	if n := rdb.XPending(ctx, purchases.Stream, purchases.ConsumerGroup).Val().Count; n != 0 {
		t.Fatalf("%d entries still pending", n)
	}
}

func assertStored(t *testing.T, rdb *redis.Client, want int) {
	t.Helper()
	keys, _ := rdb.Keys(context.Background(), purchases.KeyPrefix+"*").Result()
	if len(keys) != want {
		t.Fatalf("%d purchase documents, want %d", len(keys), want)
	}
}
