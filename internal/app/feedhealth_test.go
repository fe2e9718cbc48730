package app_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/beatsbyredis/beats/internal/apptest"
	"github.com/beatsbyredis/beats/internal/feed"
	"github.com/beatsbyredis/beats/internal/redistest"
	"github.com/beatsbyredis/beats/internal/testwait"
)

// TestFeedHealthWithAFailingBandcamp points the live feed at a local server
// that answers 503: /feed/status and the WebSocket say so, without the
// server's address, and say it is healthy again once the server answers.
func TestFeedHealthWithAFailingBandcamp(t *testing.T) {
	bandcamp := apptest.FailingBandcamp(t)
	srv := redistest.Server(t)
	in := apptest.Start(t, srv.URL(), "--feed", "live", "--feed-url", bandcamp.URL)
	client := login(t, in, "watcher")
	status := func() (feed.Status, string) {
		t.Helper()
		resp, err := client.Get(in.URL + "/feed/status")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		var st feed.Status
		if err := json.Unmarshal(body, &st); err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("/feed/status: %d %s", resp.StatusCode, body)
		}
		return st, string(body)
	}

	var st feed.Status
	var body string
	testwait.Until(t, 15*time.Second, "the failure in /feed/status", func() bool {
		st, body = status()
		return st.LastError != nil
	})
	if st.Healthy || !st.Running || st.Mode != "live" || *st.LastError != "Bandcamp answered 503" || st.Since == 0 {
		t.Fatalf("failing feed: %s", body)
	}
	for _, leak := range []string{"127.0.0.1", "http", "maintenance"} {
		if strings.Contains(body, leak) {
			t.Fatalf("/feed/status tells %q: %s", leak, body)
		}
	}

	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	u, _ := url.Parse(in.URL)
	conn, _, err := websocket.Dial(ctx, "ws://"+in.Addr+"/ws", &websocket.DialOptions{
		HTTPHeader: http.Header{"Cookie": {cookieHeader(client.Jar.Cookies(u))}, "Origin": {in.URL}},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.CloseNow()
	feedMsg := func(healthy bool) func(map[string]json.RawMessage) bool {
		return func(m map[string]json.RawMessage) bool {
			var st feed.Status
			return m["feed"] != nil && json.Unmarshal(m["feed"], &st) == nil && st.Healthy == healthy
		}
	}
	readUntil(ctx, t, conn, feedMsg(false)) // the welcome

	bandcamp.Failing.Store(false)
	msg := readUntil(ctx, t, conn, feedMsg(true))
	if !strings.Contains(string(msg["feed"]), `"lastError":null`) {
		t.Fatalf("recovered feed message: %s", msg["feed"])
	}
	if st, body = status(); !st.Healthy || st.LastError != nil {
		t.Fatalf("recovered /feed/status: %s", body)
	}
}
