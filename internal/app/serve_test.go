package app

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/beatsbyredis/beats/internal/config"
	"github.com/beatsbyredis/beats/internal/purchases"
	"github.com/beatsbyredis/beats/internal/redistest"
)

const replayFile = "../../../shared/data/feed-2020-09-09.jsonl"

// instance is one running app in a test.
type instance struct {
	addr string
	logs *syncBuffer
	stop func()
}

// start runs Serve with args and waits until it listens.
func start(t *testing.T, redisURL string, args ...string) *instance {
	t.Helper()
	cfg, err := config.ParseServe(append([]string{"--addr", "127.0.0.1:0", "--redis-url", redisURL}, args...),
		func(string) string { return "" }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	ctx, cancel := context.WithCancel(context.Background())
	addrc := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, cfg, log, func(a string) { addrc <- a }) }()
	var addr string
	select {
	case addr = <-addrc:
	case err := <-done:
		t.Fatalf("Serve: %v\n%s", err, logs)
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not start listening")
	}
	in := &instance{addr: addr, logs: logs}
	var once sync.Once
	in.stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("Serve returned %v", err)
			}
		})
	}
	t.Cleanup(in.stop)
	return in
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func countPurchases(t *testing.T, rdb *redis.Client) int {
	t.Helper()
	n, err := rdb.Do(context.Background(), "FT.SEARCH", purchases.IndexAlias, "*", "LIMIT", "0", "0").Slice()
	if err != nil {
		t.Fatal(err)
	}
	return int(n[0].(int64))
}

// TestReplayStoresEveryPurchaseOnce is the definition of done:
// the recorded file at full speed stores all 264 purchases exactly once,
// and playing it again stores nothing new.
func TestReplayStoresEveryPurchaseOnce(t *testing.T) {
	srv := redistest.Server(t)
	rdb := redistest.Connect(t, srv.URL())

	first := start(t, srv.URL(), "--feed", "replay:"+replayFile, "--speed", "0")
	waitFor(t, "264 purchases", func() bool { return countPurchases(t, rdb) == 264 })
	waitFor(t, "the stream to be stored", func() bool { return allStored(t, rdb) })
	before := counters(t, rdb)
	resp, err := http.Get("http://" + first.addr + "/readyz")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("/readyz = %v, %v", resp, err)
	}
	resp.Body.Close()
	first.stop()

	second := start(t, srv.URL(), "--feed", "replay:"+replayFile, "--speed", "0")
	waitFor(t, "the second replay to finish", func() bool {
		return strings.Contains(second.logs.String(), "source finished")
	})
	waitFor(t, "the second replay to be stored", func() bool { return allStored(t, rdb) })
	if n := countPurchases(t, rdb); n != 264 {
		t.Errorf("after a second replay: %d purchases, want 264", n)
	}
	if after := counters(t, rdb); after != before {
		t.Errorf("counters changed on replay:\n before %+v\n after  %+v", before, after)
	}
}

// allStored: the group has read every entry and acknowledged them all.
func allStored(t *testing.T, rdb *redis.Client) bool {
	groups, err := rdb.XInfoGroups(context.Background(), purchases.Stream).Result()
	if err != nil {
		t.Fatal(err)
	}
	return len(groups) == 1 && groups[0].Lag == 0 && groups[0].Pending == 0 && groups[0].EntriesRead > 0
}

// tally is everything a purchase counts in.
type tally struct {
	topSellers string
	sales      float64
	live       int64
}

func counters(t *testing.T, rdb *redis.Client) tally {
	ctx := context.Background()
	top := rdb.ZRevRangeWithScores(ctx, purchases.TopSellers, 0, -1).Val()
	samples, err := rdb.TSRange(ctx, purchases.SalesSeries, 0, int(time.Now().Add(time.Hour).UnixMilli())).Result()
	if err != nil {
		t.Fatal(err)
	}
	var sales float64
	for _, s := range samples {
		sales += s.Value
	}
	if sales != 264 {
		t.Errorf("sales_ts counts %v purchases, want 264", sales)
	}
	return tally{topSellers: fmt.Sprint(top), sales: sales, live: rdb.XLen(ctx, purchases.LiveStream).Val()}
}

// TestFeedRunsOnceAcrossInstances starts two instances on one Redis: only
// one runs the feed; when it stops, the other takes over.
func TestFeedRunsOnceAcrossInstances(t *testing.T) {
	srv := redistest.Server(t)
	a := start(t, srv.URL(), "--feed", "synthetic:20")
	waitFor(t, "a to run the feed", func() bool { return strings.Contains(a.logs.String(), "feed: running") })
	b := start(t, srv.URL(), "--feed", "synthetic:20")
	// b tries for the lease every second: give it a few tries.
	for deadline := time.Now().Add(2500 * time.Millisecond); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if strings.Contains(b.logs.String(), "feed: running") {
			t.Fatal("both instances run the feed")
		}
	}
	a.stop()
	waitFor(t, "b to take over the feed", func() bool { return strings.Contains(b.logs.String(), "feed: running") })
}

// syncBuffer is a bytes.Buffer safe for a logger and a test to share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
