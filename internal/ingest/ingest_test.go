package ingest_test

import (
	"context"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/beatsbyredis/beats/internal/feed"
	"github.com/beatsbyredis/beats/internal/ingest"
	"github.com/beatsbyredis/beats/internal/purchases"
	"github.com/beatsbyredis/beats/internal/redistest"
	"github.com/beatsbyredis/beats/internal/testwait"
)

func sale(at time.Time, artists ...string) feed.Sale {
	s := feed.Sale{UTCDate: float64(at.UnixMicro()) / 1e6}
	for i, a := range artists {
		t := s.UTCDate + float64(i)*0.1
		s.Items = append(s.Items, feed.Item{
			UTCDate: t, ArtistName: a, ItemType: "t", ItemDescription: "Song " + a, Currency: "EUR",
			AmountPaid: 1, AmountPaidUSD: 1.25, Country: "Germany", CountryCode: "de",
			URL: "//" + a + ".bandcamp.com/track/song", AmountPaidFmt: "€1",
		})
	}
	return s
}

func setup(t *testing.T) (*redis.Client, *ingest.Publisher) {
	t.Helper()
	ctx := context.Background()
	rdb := redistest.New(t)
	if err := purchases.EnsureIndex(ctx, rdb); err != nil {
		t.Fatal(err)
	}
	if err := purchases.EnsureSeries(ctx, rdb, time.Hour.Milliseconds()); err != nil {
		t.Fatal(err)
	}
	if err := ingest.EnsureGroup(ctx, rdb); err != nil {
		t.Fatal(err)
	}
	return rdb, ingest.NewPublisher(rdb)
}

func processor(rdb *redis.Client, name string) *ingest.Processor {
	return ingest.NewProcessor(rdb, purchases.NewSaver(rdb, time.Hour), ingest.ProcessorOptions{
		Consumer: name, Block: 10 * time.Millisecond, ClaimIdle: 50 * time.Millisecond,
	})
}

// TestCrashBetweenStepsNeitherLosesNorDoubleCounts plays a consumer that
// dies after reading (nothing stored) and one that dies after storing but
// before XACK; a live consumer reclaims both and each purchase counts once.
func TestCrashBetweenStepsNeitherLosesNorDoubleCounts(t *testing.T) {
	ctx := context.Background()
	rdb, pub := setup(t)
	original := sale(time.Now(), "alpha", "beta", "gamma")
	if err := pub.Publish(ctx, original); err != nil {
		t.Fatal(err)
	}
	again := original
	// The dead consumer reads all three entries...
	read, err := rdb.XReadGroup(ctx, &redis.XReadGroupArgs{
		Group: purchases.ConsumerGroup, Consumer: "dead", Streams: []string{purchases.Stream, ">"}, Count: 10,
	}).Result()
	if err != nil || len(read[0].Messages) != 3 {
		t.Fatalf("dead consumer read %v, %v", read, err)
	}
	// ...and stores the first one before dying, without acknowledging it.
	first := read[0].Messages[0]
	saver := purchases.NewSaver(rdb, time.Hour)
	p := ingest.DecodeAndNormalize(t, first)
	if isNew, err := saver.Save(ctx, p); err != nil || !isNew {
		t.Fatalf("dead consumer's save = %v, %v", isNew, err)
	}

	live := processor(rdb, "live")
	testwait.Until(t, 5*time.Second, "entries to idle past ClaimIdle", func() bool {
		pending, _ := rdb.XPendingExt(ctx, &redis.XPendingExtArgs{Stream: purchases.Stream, Group: purchases.ConsumerGroup, Start: "-", End: "+", Count: 10}).Result()
		return len(pending) == 3 && pending[0].Idle >= 50*time.Millisecond
	})
	n, err := live.Reclaim(ctx)
	if err != nil || n != 3 {
		t.Fatalf("Reclaim = %d, %v; want 3", n, err)
	}
	assertCounted(t, rdb, 3)

	// The same sale published again (an overlapping feed window) changes nothing.
	if err := pub.Publish(ctx, again); err != nil {
		t.Fatal(err)
	}
	if _, err := live.ReadOnce(ctx); err != nil {
		t.Fatal(err)
	}
	assertCounted(t, rdb, 3)
}

func assertCounted(t *testing.T, rdb *redis.Client, want int) {
	t.Helper()
	ctx := context.Background()
	keys, _ := rdb.Keys(ctx, purchases.KeyPrefix+"*").Result()
	if len(keys) != want {
		t.Errorf("%d purchase documents, want %d", len(keys), want)
	}
	for _, artist := range []string{"alpha", "beta", "gamma"} {
		if got := rdb.ZScore(ctx, purchases.TopSellers, artist).Val(); got != 1.25 {
			t.Errorf("top-sellers[%s] = %v, want 1.25 (counted once)", artist, got)
		}
	}
	if got := rdb.XLen(ctx, purchases.LiveStream).Val(); got != int64(want) {
		t.Errorf("live stream has %d entries, want %d", got, want)
	}
	pending := rdb.XPending(ctx, purchases.Stream, purchases.ConsumerGroup).Val()
	if pending.Count != 0 {
		t.Errorf("%d entries still pending", pending.Count)
	}
}

func TestUndecodableEntryGoesToDeadLetters(t *testing.T) {
	ctx := context.Background()
	rdb, _ := setup(t)
	if err := rdb.XAdd(ctx, &redis.XAddArgs{Stream: purchases.Stream, Values: []any{"id", "x", "item", "{not json"}}).Err(); err != nil {
		t.Fatal(err)
	}
	if _, err := processor(rdb, "p").ReadOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if n := rdb.XLen(ctx, purchases.DeadStream).Val(); n != 1 {
		t.Errorf("dead-letter stream has %d entries, want 1", n)
	}
	if pending := rdb.XPending(ctx, purchases.Stream, purchases.ConsumerGroup).Val(); pending.Count != 0 {
		t.Errorf("%d entries pending, want 0", pending.Count)
	}
}

func TestRunStoresPublishedSales(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	rdb, pub := setup(t)
	done := make(chan error, 1)
	go func() { done <- processor(rdb, "runner").Run(ctx) }()
	now := time.Now()
	for i := range 20 {
		if err := pub.Publish(ctx, sale(now.Add(time.Duration(i)*time.Second), "a", "b")); err != nil {
			t.Fatal(err)
		}
	}
	testwait.Until(t, 5*time.Second, "40 purchases stored", func() bool {
		keys, _ := rdb.Keys(ctx, purchases.KeyPrefix+"*").Result()
		return len(keys) == 40
	})
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run returned %v", err)
	}
}
