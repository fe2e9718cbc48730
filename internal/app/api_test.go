package app_test

import (
	"bytes"
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

// login registers a fresh user on in and returns a client carrying its session.
func login(t *testing.T, in *apptest.Instance, name string) *http.Client {
	t.Helper()
	return signIn(t, in, "/account/register", name)
}

// TestPurchasesAPIShapes checks every endpoint's status and JSON shape over
// the replayed real feed, and that bad input gets a 4xx JSON error.
func TestPurchasesAPIShapes(t *testing.T) {
	srv := redistest.Server(t)
	rdb := redistest.Connect(t, srv.URL())
	in := apptest.Start(t, srv.URL(), "--feed", "replay:"+replayFile, "--speed", "0")
	testwait.Until(t, 10*time.Second, "264 purchases", func() bool { return apptest.CountPurchases(t, rdb) == 264 })
	client := login(t, in, "shapes")
	anonymous := &http.Client{Timeout: 10 * time.Second}

	tests := []struct {
		name   string
		client *http.Client
		path   string
		status int
		check  func(t *testing.T, body []byte)
	}{
		{"recent", client, "/purchases", 200, wantArray(10, "artist_name", "utc_date", "utc_date_raw", "amount_paid_usd", "country_code")},
		{"search by artist", client, "/purchase/search?term=girl+band", 200, wantArray(-1, "artist_name")},
		{"search alias", client, "/purchases/search?term=united+kingdom", 200, wantArray(10, "country")},
		{"search no match", client, "/purchase/search?term=zzzzqqqq", 200, wantArray(0)},
		{"search hostile", client, "/purchase/search?term=" + url.QueryEscape(`@x:{*} | -"(" ~`), 200, wantArray(-1)},
		{"search empty", client, "/purchase/search?term=", 400, wantError},
		{"search nothing searchable", client, "/purchase/search?term=%01", 400, wantError},
		{"search invalid UTF-8", client, "/purchase/search?term=%FF", 400, wantError},
		{"history", client, "/purchases/history", 200, wantArray(-1, "x", "y")},
		{"history buckets", client, "/purchases/history?bucket=3600000", 200, wantArray(-1, "x", "y")},
		{"history bad bucket", client, "/purchases/history?bucket=soon", 400, wantError},
		{"history from after to", client, "/purchases/history?from=10&to=5", 400, wantError},
		{"revenue", client, "/purchases/revenue", 200, wantArray(-1, "x", "y")},
		{"top sellers", client, "/purchases/top-sellers", 200, wantTopSellers},
		{"by country", client, "/purchases/by-country?window=24h", 200, wantObject("window", "countries")},
		{"by country bad window", client, "/purchases/by-country?window=forever", 400, wantError},
		{"feed status", client, "/feed/status", 200, wantObject("mode", "running", "healthy", "lastSaleAt", "lastError", "since")},
		{"one purchase", client, "/purchases/" + feed.PurchaseID(1599688803.5175, "//girlbanddublin.bandcamp.com/album/live-at-vicar-street"), 200, wantObject("artist_name", "utc_date_raw")},
		{"unknown purchase", client, "/purchases/nope", 404, wantError},
		{"no login", anonymous, "/purchases", 401, wantError},
		{"unknown asset", client, "/assets/nope.js", 404, wantError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := tt.client.Get(in.URL + tt.path)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tt.status {
				t.Fatalf("GET %s = %d %s, want %d", tt.path, resp.StatusCode, body, tt.status)
			}
			if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Fatalf("Content-Type = %q", ct)
			}
			tt.check(t, body)
		})
	}
}

func wantArray(n int, keys ...string) func(*testing.T, []byte) {
	return func(t *testing.T, body []byte) {
		var got []map[string]any
		if err := json.Unmarshal(body, &got); err != nil {
			t.Fatalf("not a JSON array: %s", body)
		}
		if n >= 0 && len(got) != n {
			t.Fatalf("%d elements, want %d", len(got), n)
		}
		if n < 0 && len(got) == 0 && len(keys) > 0 {
			t.Fatal("no elements")
		}
		for _, el := range got {
			for _, k := range keys {
				if _, ok := el[k]; !ok {
					t.Fatalf("element lacks %q: %v", k, el)
				}
			}
		}
	}
}

func wantObject(keys ...string) func(*testing.T, []byte) {
	return func(t *testing.T, body []byte) {
		var got map[string]any
		if err := json.Unmarshal(body, &got); err != nil {
			t.Fatalf("not a JSON object: %s", body)
		}
		for _, k := range keys {
			if _, ok := got[k]; !ok {
				t.Fatalf("lacks %q: %s", k, body)
			}
		}
	}
}

func wantError(t *testing.T, body []byte) {
	var got struct{ Error string }
	if err := json.Unmarshal(body, &got); err != nil || got.Error == "" {
		t.Fatalf(`want {"error": ...}, got %s`, body)
	}
}

func wantTopSellers(t *testing.T, body []byte) {
	var got struct {
		Labels []string  `json:"labels"`
		Series []float64 `json:"series"`
	}
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Labels) != 5 || len(got.Series) != 5 {
		t.Fatalf("top sellers = %s, want 5 labels and 5 values", body)
	}
	for i := 1; i < 5; i++ {
		if got.Series[i] > got.Series[i-1] {
			t.Fatalf("series not highest first: %v", got.Series)
		}
	}
}

// TestLivePurchasesReachEveryClientOnce runs two instances on one Redis: a
// WebSocket client on each receives a purchase published after it connected,
// within a second, exactly once.
func TestLivePurchasesReachEveryClientOnce(t *testing.T) {
	rdb, a, b := twoInstances(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	// Each client is subscribed once it has its snapshot (dialAs waits for
	// it), so the purchase below is published after both are.
	var conns []*websocket.Conn
	for i, in := range []*apptest.Instance{a, b} {
		conns = append(conns, dialAs(ctx, t, in, login(t, in, []string{"alice", "bob"}[i])))
	}
	sent := time.Now()
	publish(ctx, t, rdb, "Live Test", "Now")
	for i, c := range conns {
		msg := readUntil(ctx, t, c, func(m map[string]json.RawMessage) bool { _, ok := m["purchases"]; return ok })
		if took := time.Since(sent); took > time.Second {
			t.Errorf("client %d got the purchase after %v, want within 1s", i, took)
		}
		if !bytes.Contains(msg["purchases"], []byte("Live Test")) {
			t.Errorf("client %d got %s", i, msg["purchases"])
		}
	}
	// No second copy arrives on either socket.
	quiet(ctx, t, map[string]*websocket.Conn{"on a": conns[0], "on b": conns[1]}, "the purchase again", func(data []byte) bool {
		return bytes.Contains(data, []byte("Live Test"))
	})
}

func readUntil(ctx context.Context, t *testing.T, c *websocket.Conn, want func(map[string]json.RawMessage) bool) map[string]json.RawMessage {
	t.Helper()
	for {
		_, data, err := c.Read(ctx)
		if err != nil {
			t.Fatalf("read: %v", err)
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatalf("message is not a JSON object: %s", data)
		}
		if want(m) {
			return m
		}
	}
}

func cookieHeader(cs []*http.Cookie) string {
	var parts []string
	for _, c := range cs {
		parts = append(parts, c.Name+"="+c.Value)
	}
	return strings.Join(parts, "; ")
}
