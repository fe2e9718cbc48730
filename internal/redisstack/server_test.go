package redisstack_test

import (
	"context"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/beatsbyredis/beats/internal/redisstack"
	"github.com/beatsbyredis/beats/internal/redistest"
)

func TestEmbeddedServerHasModules(t *testing.T) {
	rdb := redistest.New(t) // Connect runs CheckModules
	if err := rdb.Do(context.Background(), "JSON.SET", "k", "$", `{"a":1}`).Err(); err != nil {
		t.Fatalf("JSON.SET: %v", err)
	}
	if err := rdb.Do(context.Background(), "BF.ADD", "bf", "x").Err(); err != nil {
		t.Fatalf("BF.ADD: %v", err)
	}
}

func TestPersistentServerKeepsDataAcrossRestart(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	start := func() *redisstack.Server {
		srv, err := redisstack.Start(ctx, redisstack.Options{DataDir: dir, Persistent: true})
		if err != nil {
			t.Fatal(err)
		}
		return srv
	}
	srv := start()
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr()})
	if err := rdb.Set(ctx, "kept", "yes", 0).Err(); err != nil {
		t.Fatal(err)
	}
	rdb.Close()
	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	srv = start()
	defer srv.Stop()
	rdb = redis.NewClient(&redis.Options{Addr: srv.Addr()})
	defer rdb.Close()
	if got, err := rdb.Get(ctx, "kept").Result(); err != nil || got != "yes" {
		t.Fatalf("after restart GET kept = %q, %v; want yes", got, err)
	}
}

func TestConnectRejectsServerWithoutModules(t *testing.T) {
	ctx := context.Background()
	srv, err := redisstack.Start(ctx, redisstack.Options{DataDir: t.TempDir(), Modules: []string{}})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Stop()
	_, err = redisstack.Connect(ctx, srv.URL())
	if err == nil || !strings.Contains(err.Error(), "lacks modules") || !strings.Contains(err.Error(), "ReJSON") {
		t.Fatalf("Connect to a plain Redis: err = %v, want a message naming the missing modules", err)
	}
}

func TestConnectErrors(t *testing.T) {
	ctx := context.Background()
	if _, err := redisstack.Connect(ctx, "redis://127.0.0.1:1"); err == nil || !strings.Contains(err.Error(), "cannot reach") {
		t.Fatalf("Connect to closed port: err = %v, want cannot reach", err)
	}
	if _, err := redisstack.Connect(ctx, "http://nope"); err == nil {
		t.Fatal("Connect accepted an http:// URL")
	}
}
