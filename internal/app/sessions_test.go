package app_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/redis/go-redis/v9"

	"github.com/beatsbyredis/beats/internal/accounts"
	"github.com/beatsbyredis/beats/internal/apptest"
	"github.com/beatsbyredis/beats/internal/redistest"
)

// signIn posts name's credentials to path (/account/register, or
// /account/login for another session of a registered user) on in and
// returns a client carrying the session.
func signIn(t *testing.T, in *apptest.Instance, path, name string) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	post(t, client, in.URL+path, `{"username":"`+name+`","password":"correct horse battery"}`, http.StatusOK)
	return client
}

// twoInstances starts two instances with no feed of their own on one
// Redis, and returns a client of that Redis and the instances.
func twoInstances(t *testing.T) (rdb *redis.Client, a, b *apptest.Instance) {
	t.Helper()
	srv := redistest.Server(t)
	rdb = redistest.Connect(t, srv.URL())
	a = apptest.Start(t, srv.URL(), "--feed", "replay:/dev/null")
	b = apptest.Start(t, srv.URL(), "--feed", "replay:/dev/null")
	return rdb, a, b
}

func post(t *testing.T, c *http.Client, url, body string, want int) {
	t.Helper()
	if status, b := call(t, c, "POST", url, body); status != want {
		t.Fatalf("POST %s = %d %s; want %d", url, status, b, want)
	}
}

// socket opens the live WebSocket on in with c's session.
func socket(t *testing.T, in *apptest.Instance, c *http.Client) *websocket.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return dial(ctx, t, in, c)
}

// closedWithin reads conn until it closes, and checks that it closed with
// 1008 (session ended) within d.
func closedWithin(t *testing.T, conn *websocket.Conn, d time.Duration, what string) {
	t.Helper()
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), d+2*time.Second)
	defer cancel()
	for {
		_, _, err := conn.Read(ctx)
		if err == nil {
			continue // the welcome messages
		}
		if got := websocket.CloseStatus(err); got != websocket.StatusPolicyViolation {
			t.Fatalf("%s: socket ended with %v; want close 1008", what, err)
		}
		if took := time.Since(start); took > d {
			t.Fatalf("%s: socket closed after %v; want within %v", what, took, d)
		}
		return
	}
}

// stillOpen checks that conn is open: a ping is answered.
func stillOpen(t *testing.T, conn *websocket.Conn, what string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	go func() { // pongs are read by a reader
		for {
			if _, _, err := conn.Read(ctx); err != nil {
				return
			}
		}
	}()
	if err := conn.Ping(ctx); err != nil {
		t.Fatalf("%s: the socket is closed: %v", what, err)
	}
}

// TestSocketsCloseWhenTheirLoginEnds runs two instances on one Redis: a
// session's socket on one closes within a second when the session ends on
// the other (logout, a password change, logout-all), or expires.
func TestSocketsCloseWhenTheirLoginEnds(t *testing.T) {
	rdb, a, b := twoInstances(t)

	t.Run("logout", func(t *testing.T) {
		c := login(t, a, "alice")
		conn := socket(t, b, c)
		post(t, c, a.URL+"/account/logout", `{}`, http.StatusNoContent)
		closedWithin(t, conn, time.Second, "logout on the other instance")
	})

	t.Run("password change", func(t *testing.T) {
		here := login(t, a, "carol")
		there := signIn(t, b, "/account/login", "carol")
		hereConn, thereConn := socket(t, a, here), socket(t, b, there)
		post(t, here, a.URL+"/account/password", `{"current":"correct horse battery","new":"a brand new passphrase"}`, http.StatusOK)
		closedWithin(t, thereConn, time.Second, "the other session, after a password change")
		stillOpen(t, hereConn, "the session that changed the password")
	})

	t.Run("logout everywhere", func(t *testing.T) {
		here := login(t, a, "dave")
		there := signIn(t, b, "/account/login", "dave")
		hereConn, thereConn := socket(t, b, here), socket(t, a, there)
		post(t, here, a.URL+"/account/logout-all", `{"password":"correct horse battery"}`, http.StatusNoContent)
		closedWithin(t, thereConn, time.Second, "another session, after logout-all")
		closedWithin(t, hereConn, time.Second, "this session, after logout-all")
	})

	t.Run("expiry", func(t *testing.T) {
		c := login(t, a, "erin")
		keys, err := rdb.Keys(t.Context(), accounts.SessionPrefix+"*").Result()
		if err != nil {
			t.Fatal(err)
		}
		var key string
		for _, k := range keys {
			if doc, err := rdb.Do(t.Context(), "JSON.GET", k, "$.username").Text(); err == nil && strings.Contains(doc, "erin") {
				key = k
			}
		}
		if key == "" {
			t.Fatal("no session of erin")
		}
		// The session reaches its deadline 1.5 s from now (as a 12-hour one
		// would, 12 hours after login).
		deadline := time.Now().Add(1500 * time.Millisecond).UTC().Format("2006-01-02T15:04:05.000Z")
		if err := rdb.Do(t.Context(), "JSON.SET", key, "$.deadline", `"`+deadline+`"`).Err(); err != nil {
			t.Fatal(err)
		}
		conn := socket(t, b, c)
		closedWithin(t, conn, 2500*time.Millisecond, "a socket whose session expires 1.5 s after it opened")
		if err := rdb.Get(t.Context(), key).Err(); !errors.Is(err, redis.Nil) {
			t.Fatalf("session document after its deadline: %v; want gone", err)
		}
	})
}
