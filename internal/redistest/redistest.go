// Package redistest starts a real, throw-away Redis Stack server for tests.
// There are no Redis mocks in this project: every test that needs Redis gets
// its own server (a fresh process on a free port, no persistence).
package redistest

import (
	"context"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/beatsbyredis/beats/internal/redisstack"
)

// Server starts a fresh Redis Stack for t and stops it when t ends.
func Server(t testing.TB) *redisstack.Server {
	t.Helper()
	srv, err := redisstack.Start(context.Background(), redisstack.Options{DataDir: t.TempDir()})
	if err != nil {
		t.Fatalf("redistest: %v", err)
	}
	t.Cleanup(func() { _ = srv.Stop() })
	return srv
}

// New starts a fresh Redis Stack for t and returns a client connected to it.
func New(t testing.TB) *redis.Client {
	t.Helper()
	return Connect(t, Server(t).URL())
}

// Connect opens a client the way the app does and closes it when t ends.
func Connect(t testing.TB, url string) *redis.Client {
	t.Helper()
	rdb, err := redisstack.Connect(context.Background(), url)
	if err != nil {
		t.Fatalf("redistest: %v", err)
	}
	t.Cleanup(func() { _ = rdb.Close() })
	return rdb
}
