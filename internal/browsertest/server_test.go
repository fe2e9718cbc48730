package browsertest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/beatsbyredis/beats/internal/app"
	"github.com/beatsbyredis/beats/internal/config"
	"github.com/beatsbyredis/beats/internal/purchases"
	"github.com/beatsbyredis/beats/internal/redistest"
)

// replayFile is a recorded real feed (264 purchases, among them "Girl Band"),
// relative to this package's directory.
const (
	replayFile      = "../../../shared/data/feed-2020-09-09.jsonl"
	replayPurchases = 264
)

// server is one running app.
type server struct {
	url  string // http://127.0.0.1:port
	logs *syncBuffer
	stop func()
}

// startServer runs app.Serve in-process with args on redisURL and waits
// until it listens. It stops when the test ends.
func startServer(t *testing.T, redisURL string, args ...string) *server {
	t.Helper()
	cfg, err := config.ParseServe(append([]string{"--addr", "127.0.0.1:0", "--redis-url", redisURL}, args...),
		func(string) string { return "" }, io.Discard)
	if err != nil {
		t.Fatalf("config %v: %v", args, err)
	}
	logs := &syncBuffer{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	ctx, cancel := context.WithCancel(context.Background())
	addrc := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- app.Serve(ctx, cfg, log, func(a string) { addrc <- a }) }()
	s := &server{logs: logs}
	select {
	case addr := <-addrc:
		s.url = "http://" + addr
	case err := <-done:
		cancel()
		t.Fatalf("serve %v: %v\n%s", args, err, logs)
	case <-time.After(15 * time.Second):
		cancel()
		t.Fatalf("serve %v did not start listening within 15 s\n%s", args, logs)
	}
	var once sync.Once
	s.stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("serve %v returned %v", args, err)
			}
		})
	}
	t.Cleanup(func() {
		s.stop()
		if t.Failed() {
			t.Logf("server %v log (tail):\n%s", args, tail(logs.String(), 40))
		}
	})
	return s
}

// startDashboardServer gives the browser a server with both known and live
// data, on a fresh Redis Stack:
//   - first the recorded real feed, moved to the last few minutes (see
//     recentReplay) and played at full speed, so the charts, the map and
//     search have real purchases ("Girl Band") the moment the page loads;
//   - then, after that instance stops and frees the feed lease, a second
//     instance with the synthetic feed at 5 purchases a second, so purchases
//     arrive live.
//
// It returns once a live purchase is stored.
func startDashboardServer(t *testing.T) *server {
	t.Helper()
	redisSrv := redistest.Server(t)
	rdb := redistest.Connect(t, redisSrv.URL())

	preload := startServer(t, redisSrv.URL(), "--feed", "replay:"+recentReplay(t, time.Now()), "--speed", "0", "--keep-times")
	waitFor(t, "the replay to store every purchase", 20*time.Second, func() (bool, string) {
		n := countPurchases(t, rdb)
		return n == replayPurchases, fmt.Sprint("stored ", n, " of ", replayPurchases)
	})
	preload.stop()

	live := startServer(t, redisSrv.URL(), "--feed", "synthetic:5")
	waitFor(t, "the synthetic feed to store a purchase", 20*time.Second, func() (bool, string) {
		n := countPurchases(t, rdb)
		return n > replayPurchases, fmt.Sprint("stored ", n, "; log: ", tail(live.logs.String(), 5))
	})
	return live
}

func countPurchases(t *testing.T, rdb *redis.Client) int {
	t.Helper()
	res, err := rdb.Do(context.Background(), "FT.SEARCH", purchases.IndexAlias, "*", "LIMIT", "0", "0").Slice()
	if err != nil {
		t.Fatalf("counting purchases: %v", err)
	}
	return int(res[0].(int64))
}

// waitFor polls cond until it holds or the deadline passes; cond's second
// result says what it saw, for the failure message.
func waitFor(t *testing.T, what string, within time.Duration, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		ok, seen := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s (last seen: %s)", within, what, seen)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// syncBuffer is a bytes.Buffer that the server's logger and the test share.
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

// tail is the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
