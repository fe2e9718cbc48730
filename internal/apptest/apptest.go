// Package apptest runs the real app in-process for tests: app.Serve on a
// free loopback port against a Redis Stack the test started (redistest).
package apptest

import (
	"bytes"
	"context"
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
)

// Instance is one running app.
type Instance struct {
	Addr string      // host:port it listens on
	URL  string      // http://host:port
	Logs *SyncBuffer // everything it logged, at debug level
	stop func()
}

// Start runs app.Serve with `serve` args on redisURL and waits until it
// listens. It stops when the test ends; on failure the log's tail is shown.
func Start(t testing.TB, redisURL string, args ...string) *Instance {
	t.Helper()
	cfg, err := config.ParseServe(append([]string{"--addr", "127.0.0.1:0", "--redis-url", redisURL}, args...),
		func(string) string { return "" }, io.Discard)
	if err != nil {
		t.Fatalf("apptest: config %v: %v", args, err)
	}
	logs := &SyncBuffer{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	ctx, cancel := context.WithCancel(context.Background())
	addrc := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- app.Serve(ctx, cfg, log, func(a string) { addrc <- a }) }()
	in := &Instance{Logs: logs}
	select {
	case in.Addr = <-addrc:
		in.URL = "http://" + in.Addr
	case err := <-done:
		cancel()
		t.Fatalf("apptest: serve %v: %v\n%s", args, err, logs)
	case <-time.After(15 * time.Second):
		cancel()
		t.Fatalf("apptest: serve %v did not listen within 15 s\n%s", args, logs)
	}
	var once sync.Once
	in.stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("apptest: serve %v returned %v", args, err)
			}
		})
	}
	t.Cleanup(func() {
		in.Stop()
		if t.Failed() {
			t.Logf("server %v log (tail):\n%s", args, Tail(logs.String(), 40))
		}
	})
	return in
}

// Stop shuts the instance down gracefully and waits for it; it is safe to
// call more than once.
func (in *Instance) Stop() { in.stop() }

// CountPurchases is how many purchase documents the index holds.
func CountPurchases(t testing.TB, rdb *redis.Client) int {
	t.Helper()
	res, err := rdb.Do(context.Background(), "FT.SEARCH", purchases.IndexAlias, "*", "LIMIT", "0", "0").Slice()
	if err != nil {
		t.Fatalf("apptest: counting purchases: %v", err)
	}
	return int(res[0].(int64))
}

// SyncBuffer is a bytes.Buffer that a logger and a test may share.
type SyncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *SyncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *SyncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Tail is the last n lines of s.
func Tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
