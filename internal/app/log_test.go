package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/beatsbyredis/beats/internal/app"
	"github.com/beatsbyredis/beats/internal/apptest"
	"github.com/beatsbyredis/beats/internal/config"
)

// TestRedisClientLogsAreJSON: with --log-json, go-redis's own lines (here a
// pool that cannot dial) come out as JSON log records like every other
// line, not as plain text on stderr.
func TestRedisClientLogsAreJSON(t *testing.T) {
	var buf apptest.SyncBuffer
	app.RouteRedisLogs(app.NewLogger(config.Serve{LogJSON: true, LogLevel: "info"}, &buf))
	t.Cleanup(func() { app.RouteRedisLogs(slog.Default()) })

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	rdb := redis.NewClient(&redis.Options{Addr: addr, DialTimeout: 100 * time.Millisecond, MaxRetries: -1})
	defer rdb.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := rdb.Ping(ctx).Err(); err == nil {
		t.Fatal("ping to a closed port succeeded")
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	found := false
	for _, l := range lines {
		var rec map[string]any
		if err := json.Unmarshal([]byte(l), &rec); err != nil {
			t.Fatalf("a log line is not JSON: %q", l)
		}
		msg, _ := rec["msg"].(string)
		if strings.HasPrefix(msg, "redis: connection pool: failed to dial") && rec["level"] == "WARN" {
			found = true
		}
	}
	if !found {
		t.Errorf("go-redis's dial failure is not in the JSON log:\n%s", bytes.TrimSpace([]byte(buf.String())))
	}
}
