package ingest_test

import (
	"context"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/beatsbyredis/beats/internal/feed"
	"github.com/beatsbyredis/beats/internal/purchases"
)

const recording = "../../testdata/feed-2020-09-09.jsonl"

// TestReplayResumesWhereTheStreamEnds: the publisher stores a replay's
// position with each batch, in the same transaction; a replay opened again
// (a restart after kill -9) resumes right after the last published sale,
// so the stream gets every purchase once across the two runs.
func TestReplayResumesWhereTheStreamEnds(t *testing.T) {
	ctx := context.Background()
	rdb, pub := setup(t)
	open := func() *feed.Replay {
		r, err := feed.NewReplay(recording, feed.ReplayOptions{Retention: time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		if left, err := pub.Resume(ctx, r); err != nil || left != r.Left() {
			t.Fatalf("Resume = %d, %v", left, err)
		}
		return r
	}
	first := open()
	if first.Left() != 230 {
		t.Fatalf("a fresh replay has %d sales left, want all 230", first.Left())
	}
	// The first run publishes 100 sales in batches, then is killed.
	published := 0
	for range 10 {
		var batch []feed.Sale
		for range 10 {
			s, err := first.Next(ctx)
			if err != nil {
				t.Fatal(err)
			}
			published += len(s.Items)
			batch = append(batch, s)
		}
		if err := pub.PublishMany(ctx, batch); err != nil {
			t.Fatal(err)
		}
	}
	if ttl := rdb.TTL(ctx, first.Key()).Val(); ttl <= 0 || ttl > time.Hour {
		t.Errorf("position key TTL %v, want the retention", ttl)
	}

	second := open()
	if second.Left() != 130 {
		t.Fatalf("the restarted replay has %d sales left, want 130", second.Left())
	}
	for {
		s, err := second.Next(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		published += len(s.Items)
		if err := pub.PublishMany(ctx, []feed.Sale{s}); err != nil {
			t.Fatal(err)
		}
	}
	if published != 264 || rdb.XLen(ctx, purchases.Stream).Val() != 264 {
		t.Errorf("published %d items, stream has %d entries; want 264 each", published, rdb.XLen(ctx, purchases.Stream).Val())
	}
	if third := open(); third.Left() != 0 {
		t.Errorf("a replay opened after the end has %d sales left, want 0", third.Left())
	}
}
