package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/beatsbyredis/beats/internal/apptest"
	"github.com/beatsbyredis/beats/internal/redistest"
	"github.com/beatsbyredis/beats/internal/testwait"
)

// TestOriginalBrowserClient drives this server the way the original app's
// own browser client does (redis-developer/beats-by-redis: its login and
// register pages and app/static/assets/js/purchases.js), so that client
// runs here unchanged. What that client does, step by step:
//
//  1. Its login and register pages post an HTML form (username, password
//     and the submit button's field) to /account/register or /account/login
//     and follow the redirect to /.
//  2. On the dashboard it asks, relative to the page, purchase/purchases
//     (the ten newest, shown by url, art_url, artist_name, album_title,
//     amount_paid_fmt and country), /purchase/history (read as entries of
//     timestamp and value) and /purchase/top-sellers (series and labels).
//  3. The search box asks /purchase/search?term= with the typed text
//     trimmed and a '*' appended.
//  4. It asks /api/config/ws for protocol, host, port and endpoint, opens
//     protocol://host:port endpoint, and reads each message's purchases
//     (a list put before its own), purchaseHistory (entries of timestamp
//     and value) and topSellers (series and labels).
func TestOriginalBrowserClient(t *testing.T) {
	srv := redistest.Server(t)
	rdb := redistest.Connect(t, srv.URL())
	in := apptest.Start(t, srv.URL(), "--feed", "replay:"+replayFile, "--speed", "0")
	testwait.Until(t, 10*time.Second, "264 purchases", func() bool { return apptest.CountPurchases(t, rdb) == 264 })

	// 1. The form posts, as a browser sends them (same origin).
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	for _, page := range []string{"register", "login"} {
		form := url.Values{"username": {"original"}, "password": {"correct horse battery"}, "submit": {""}}
		req, _ := http.NewRequest("POST", in.URL+"/account/"+page, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", in.URL)
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		resp, err := browser.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || resp.Request.URL.Path != "/" {
			t.Fatalf("%s form: ended at %d %s, want the dashboard", page, resp.StatusCode, resp.Request.URL)
		}
	}
	get := func(path string, v any) {
		t.Helper()
		getJSON(t, browser, in.URL+path, v)
	}

	// 2. The dashboard's first data.
	var recent []map[string]any
	get("/purchase/purchases", &recent)
	if len(recent) != 10 {
		t.Fatalf("purchase/purchases: %d purchases, want 10", len(recent))
	}
	for _, p := range recent {
		for _, k := range []string{"url", "art_url", "artist_name", "album_title", "amount_paid_fmt", "country"} {
			if _, ok := p[k]; !ok {
				t.Errorf("purchase/purchases: %s missing from %v", k, p)
			}
		}
	}
	var history []map[string]any
	get("/purchase/history", &history)
	checkHistory(t, "/purchase/history", history, 264)
	var top topSellers
	get("/purchase/top-sellers", &top)
	if len(top.Series) != 5 || len(top.Labels) != 5 {
		t.Errorf("top sellers %+v, want five", top)
	}

	// 3. The search box: "  Girl Band " typed, sent trimmed with a '*'.
	var found []map[string]any
	get("/purchase/search?term="+url.QueryEscape("Girl Band*"), &found)
	if len(found) == 0 || found[0]["artist_name"] != "Girl Band" {
		t.Errorf("search for Girl Band*: %v", found)
	}

	// 4. The WebSocket, where /api/config/ws says it is.
	var cfg struct{ Protocol, Host, Port, Endpoint string }
	get("/api/config/ws", &cfg)
	_, port, _ := strings.Cut(in.Addr, ":")
	if cfg.Protocol != "ws" || cfg.Host != "127.0.0.1" || cfg.Port != port || cfg.Endpoint != "/ws" {
		t.Fatalf("/api/config/ws = %+v, want this server's ws://%s/ws", cfg, in.Addr)
	}
	wsURL := fmt.Sprintf("%s://%s:%s%s", cfg.Protocol, cfg.Host, cfg.Port, cfg.Endpoint)
	// A new socket gets the latest snapshot, rebuilt every few seconds: the
	// first few may predate the replay.
	testwait.UntilSeen(t, 15*time.Second, "a socket's first snapshot to hold the replay", func() (bool, string) {
		history, top, err := firstSnapshot(wsURL, browser, in.URL)
		if err != nil || len(history) == 0 {
			return false, fmt.Sprint(history, err)
		}
		checkHistory(t, "the socket's purchaseHistory", history, 264)
		if len(top.Labels) != 5 || len(top.Series) != 5 {
			t.Errorf("the socket's topSellers = %+v", top)
		}
		return true, ""
	})
}

type topSellers struct {
	Series []float64 `json:"series"`
	Labels []string  `json:"labels"`
}

// firstSnapshot opens the socket as the original client does and returns
// the first message's purchaseHistory and topSellers.
func firstSnapshot(wsURL string, browser *http.Client, origin string) ([]map[string]any, topSellers, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	header := http.Header{"Origin": {origin}}
	conn, _, err := websocket.Dial(ctx, wsURL, &websocket.DialOptions{HTTPClient: browser, HTTPHeader: header})
	if err != nil {
		return nil, topSellers{}, fmt.Errorf("dial %s: %w", wsURL, err)
	}
	defer conn.CloseNow()
	for {
		_, data, err := conn.Read(ctx)
		if err != nil {
			return nil, topSellers{}, err
		}
		var msg struct {
			Purchases       []map[string]any `json:"purchases"`
			PurchaseHistory []map[string]any `json:"purchaseHistory"`
			TopSellers      topSellers       `json:"topSellers"`
		}
		if err := json.Unmarshal(data, &msg); err != nil {
			return nil, topSellers{}, err
		}
		if msg.PurchaseHistory != nil {
			return msg.PurchaseHistory, msg.TopSellers, nil
		}
	}
}

// checkHistory: entries readable as {timestamp, value} (the original's
// client) and as {x, y} (this app's), the same numbers, summing to want.
func checkHistory(t *testing.T, where string, entries []map[string]any, want float64) {
	t.Helper()
	sum := 0.0
	for _, e := range entries {
		ts, ok1 := e["timestamp"].(float64)
		v, ok2 := e["value"].(float64)
		if !ok1 || !ok2 || e["x"] != ts || e["y"] != v {
			t.Fatalf("%s: entry %v, want timestamp and value, equal to x and y", where, e)
		}
		sum += v
	}
	if sum != want {
		t.Errorf("%s sums to %v purchases, want %v", where, sum, want)
	}
}
