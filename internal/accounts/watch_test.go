package accounts

import (
	"context"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/beatsbyredis/beats/internal/testwait"
)

// watched is one connection under a LoginWatch.
type watched struct {
	ended atomic.Bool
	at    atomic.Int64 // when, Unix ns
	stop  func()
}

func (w *watched) isEnded() bool { return w.ended.Load() }

// startWatch runs a LoginWatch over rdb until the test ends.
func startWatch(t *testing.T, rdb *redis.Client) *LoginWatch {
	t.Helper()
	w := NewLoginWatch(rdb, nil)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = w.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	// Subscribed once a publish reaches the watch's connection.
	testwait.Until(t, 5*time.Second, "the watch to subscribe", func() bool {
		n, _ := rdb.PubSubNumSub(ctx, EndedChannel).Result()
		return n[EndedChannel] == 1
	})
	return w
}

// watchLogin watches a login whose session and account documents exist
// with the given TTLs.
func watchLogin(t *testing.T, rdb *redis.Client, w *LoginWatch, ref LoginRef, sessionTTL, accountTTL time.Duration) *watched {
	t.Helper()
	ctx := context.Background()
	if sessionTTL > 0 {
		rdb.Set(ctx, SessionPrefix+ref.SessionID, "{}", sessionTTL)
	}
	if accountTTL > 0 {
		rdb.Set(ctx, AccountKey(ref.AccountID), "{}", accountTTL)
	}
	r := httptest.NewRequest("GET", "/ws", nil)
	r = r.WithContext(WithLoginRef(r.Context(), ref))
	wd := &watched{}
	wd.stop = w.Watch(r, func() {
		wd.at.Store(time.Now().UnixNano())
		wd.ended.Store(true)
	})
	t.Cleanup(wd.stop)
	return wd
}

func TestLoginWatch(t *testing.T) {
	ctx := context.Background()
	s, rdb := newTestService(t, nil, Options{})
	w := startWatch(t, rdb)

	t.Run("an end published by any instance", func(t *testing.T) {
		a := watchLogin(t, rdb, w, LoginRef{"A1", "s1"}, time.Hour, time.Hour)
		b := watchLogin(t, rdb, w, LoginRef{"A1", "s1"}, time.Hour, time.Hour) // a second tab
		c := watchLogin(t, rdb, w, LoginRef{"A2", "s2"}, time.Hour, time.Hour)
		sent := time.Now()
		if err := s.endLogins(ctx, "U", "A1"); err != nil {
			t.Fatal(err)
		}
		testwait.Until(t, time.Second, "both sockets of the login to end", func() bool { return a.isEnded() && b.isEnded() })
		if took := time.Duration(a.at.Load() - sent.UnixNano()); took > time.Second {
			t.Fatalf("ended %v after the publish; want within a second", took)
		}
		if c.isEnded() {
			t.Fatal("another login's socket ended")
		}
	})

	t.Run("the session expires", func(t *testing.T) {
		wd := watchLogin(t, rdb, w, LoginRef{"A3", "s3"}, 300*time.Millisecond, time.Hour)
		start := time.Now()
		testwait.Until(t, 2*time.Second, "the socket of the expired session to end", wd.isEnded)
		if took := time.Since(start); took > 300*time.Millisecond+time.Second {
			t.Fatalf("ended %v after connecting with 300 ms left; want within a second of the expiry", took)
		}
	})

	t.Run("a renewed session lives on", func(t *testing.T) {
		wd := watchLogin(t, rdb, w, LoginRef{"A4", "s4"}, 200*time.Millisecond, time.Hour)
		rdb.PExpire(ctx, SessionPrefix+"s4", 1500*time.Millisecond) // a request on another instance
		time.Sleep(400 * time.Millisecond)                          // past the first expiry: nothing to await
		if wd.isEnded() {
			t.Fatal("the socket of a renewed session ended at its first expiry")
		}
		testwait.Until(t, 2*time.Second, "the socket to end at the renewed expiry", wd.isEnded)
	})

	t.Run("ended before it was watched", func(t *testing.T) {
		wd := watchLogin(t, rdb, w, LoginRef{"A5", "s5"}, time.Hour, 0)
		testwait.Until(t, time.Second, "the socket of a login already gone to end", wd.isEnded)
	})

	t.Run("an end missed while the subscription was down", func(t *testing.T) {
		wd := watchLogin(t, rdb, w, LoginRef{"A6", "s6"}, time.Hour, time.Hour)
		testwait.Until(t, time.Second, "the first check", func() bool { return w.Watching() >= 1 })
		if err := rdb.Do(ctx, "CLIENT", "KILL", "TYPE", "pubsub").Err(); err != nil {
			t.Fatal(err)
		}
		rdb.Del(ctx, AccountKey("A6")) // ended with no message anyone heard
		testwait.Until(t, 5*time.Second, "the resubscribed watch to find the end", wd.isEnded)
	})

	t.Run("stopped watches are dropped", func(t *testing.T) {
		before := w.Watching()
		wd := watchLogin(t, rdb, w, LoginRef{"A7", "s7"}, time.Hour, time.Hour)
		wd.stop()
		if got := w.Watching(); got != before {
			t.Fatalf("watching %d after a stop; want %d", got, before)
		}
	})
}
