package app

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/beatsbyredis/beats/internal/config"
	"github.com/beatsbyredis/beats/internal/ingest"
	"github.com/beatsbyredis/beats/internal/purchases"
	"github.com/beatsbyredis/beats/internal/redistest"
	"github.com/beatsbyredis/beats/internal/testwait"
)

// TestFeedResumesWithin5sOfAKill: an instance killed with kill -9 while it
// holds the feed lease leaves the key behind, just renewed. The feed must
// resume within 5 s on another instance (or the restarted one), which
// waited out the whole 15 s lease before.
func TestFeedResumesWithin5sOfAKill(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	rdb := redistest.New(t)
	cfg, err := config.ParseServe([]string{"--feed", "replay:../../testdata/feed-2020-09-09.jsonl", "--speed", "0"},
		func(string) string { return "" }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	// What the killed holder left: its lease, renewed a moment ago.
	if err := rdb.Set(ctx, ingest.LeaseKey, "killed replay", feedLeaseTTL).Err(); err != nil {
		t.Fatal(err)
	}
	killed := time.Now()
	log := slog.New(slog.DiscardHandler)
	done := make(chan error, 1)
	go func() {
		done <- runFeed(ctx, cfg, ingest.NewLease(rdb, "survivor", feedLeaseTTL), ingest.NewPublisher(rdb), ingest.NewHealth(rdb, nil), log)
	}()
	testwait.Until(t, 5*time.Second, "the feed to resume on the surviving instance", func() bool {
		return rdb.XLen(ctx, purchases.Stream).Val() > 0
	})
	t.Logf("resumed %v after the kill", time.Since(killed).Round(time.Millisecond))
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// TestReplayWithNothingToPublishIsNotRetried: --keep-times with a recording
// older than --retention has nothing to publish, and reading it again finds
// nothing again. The feed says so once and stops; it used to read the
// whole file again every 5 s, forever, logging an error each time.
func TestReplayWithNothingToPublishIsNotRetried(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	rdb := redistest.New(t)
	cfg, err := config.ParseServe([]string{"--feed", "replay:../../testdata/feed-2020-09-09.jsonl", "--keep-times", "--speed", "0"},
		func(string) string { return "" }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer // read once runFeed has returned
	log := slog.New(slog.NewTextHandler(&logs, nil))
	done := make(chan error, 1)
	go func() {
		done <- runFeed(ctx, cfg, ingest.NewLease(rdb, "only", feedLeaseTTL), ingest.NewPublisher(rdb), ingest.NewHealth(rdb, nil), log)
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		cancel()
		<-done
		t.Fatalf("the feed still retries a replay with nothing to publish:\n%s", logs.String())
	}
	if n := strings.Count(logs.String(), "level=ERROR"); n != 1 || !strings.Contains(logs.String(), "every purchase is older than --retention") {
		t.Errorf("want one error saying why, got %d:\n%s", n, logs.String())
	}
	if n := rdb.XLen(ctx, purchases.Stream).Val(); n != 0 {
		t.Errorf("%d entries published", n)
	}
}
