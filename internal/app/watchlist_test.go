package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/redis/go-redis/v9"

	"github.com/beatsbyredis/beats/internal/apptest"
	"github.com/beatsbyredis/beats/internal/feed"
	"github.com/beatsbyredis/beats/internal/ingest"
	"github.com/beatsbyredis/beats/internal/purchases"
	"github.com/beatsbyredis/beats/internal/redistest"
	"github.com/beatsbyredis/beats/internal/testwait"
)

// call sends a JSON request and returns the status and body.
func call(t *testing.T, c *http.Client, method, u, body string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, u, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

type watchBody struct {
	ID      string `json:"id"`
	Term    string `json:"term"`
	Created int64  `json:"created"`
}

type matchesBody struct {
	Matches []struct {
		ID       string          `json:"id"`
		WatchID  string          `json:"watchId"`
		Term     string          `json:"term"`
		At       int64           `json:"at"`
		Purchase json.RawMessage `json:"purchase"`
	} `json:"matches"`
	Next *string `json:"next"`
}

func addTerm(t *testing.T, c *http.Client, in *apptest.Instance, term string) watchBody {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"term": term})
	status, b := call(t, c, "POST", in.URL+"/watchlist", string(body))
	var w watchBody
	if status != http.StatusCreated || json.Unmarshal(b, &w) != nil || w.ID == "" {
		t.Fatalf("POST /watchlist %q = %d %s", term, status, b)
	}
	return w
}

// TestWatchlistAPI checks each route's answers and limits.
func TestWatchlistAPI(t *testing.T) {
	srv := redistest.Server(t)
	in := apptest.Start(t, srv.URL(), "--feed", "replay:/dev/null")
	alice := login(t, in, "alice")
	bob := login(t, in, "bob")
	anonymous := &http.Client{Timeout: 10 * time.Second}

	first := addTerm(t, alice, in, "  Wätched Artîst ")
	if first.Term != "Wätched Artîst" || first.Created == 0 {
		t.Fatalf("added %+v", first)
	}
	tests := []struct {
		name         string
		client       *http.Client
		method, path string
		body         string
		status       int
		contains     string
	}{
		{"list", alice, "GET", "/watchlist", "", 200, `{"terms":[{"id":"` + first.ID + `","term":"Wätched Artîst","created":`},
		{"a duplicate after folding", alice, "POST", "/watchlist", `{"term":"WATCHED artist"}`, 200, `"id":"` + first.ID + `"`},
		{"blank term", alice, "POST", "/watchlist", `{"term":"   "}`, 400, `"error":"bad term: term is required"`},
		{"101 characters", alice, "POST", "/watchlist", `{"term":"` + strings.Repeat("x", 101) + `"}`, 400, "longer than 100"},
		{"100 characters", alice, "POST", "/watchlist", `{"term":"` + strings.Repeat("y", 100) + `"}`, 201, `"term":"yyyy`},
		{"nothing to match", alice, "POST", "/watchlist", `{"term":"!!!"}`, 400, "nothing to match"},
		{"no term", alice, "POST", "/watchlist", `{"word":"x"}`, 400, `"error"`},
		{"not JSON", alice, "POST", "/watchlist", `term=x`, 400, `"error"`},
		{"too big", alice, "POST", "/watchlist", `{"term":"` + strings.Repeat(" ", 5000) + `x"}`, 413, `"error"`},
		{"someone else's term", bob, "DELETE", "/watchlist/" + first.ID, "", 404, `"error":"not found"`},
		{"someone else's list", bob, "GET", "/watchlist", "", 200, `{"terms":[]}`},
		{"no matches yet", alice, "GET", "/watchlist/matches", "", 200, `{"matches":[],"next":null}`},
		{"a bad cursor", alice, "GET", "/watchlist/matches?before=nope", "", 400, "bad cursor"},
		{"remove", alice, "DELETE", "/watchlist/" + first.ID, "", 204, ""},
		{"remove again", alice, "DELETE", "/watchlist/" + first.ID, "", 404, `"error"`},
		{"no login: list", anonymous, "GET", "/watchlist", "", 401, "login required"},
		{"no login: add", anonymous, "POST", "/watchlist", `{"term":"x"}`, 401, "login required"},
		{"no login: remove", anonymous, "DELETE", "/watchlist/" + first.ID, "", 401, "login required"},
		{"no login: matches", anonymous, "GET", "/watchlist/matches", "", 401, "login required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := call(t, tt.client, tt.method, in.URL+tt.path, tt.body)
			if status != tt.status || !bytes.Contains(body, []byte(tt.contains)) {
				t.Fatalf("%s %s = %d %s, want %d with %s", tt.method, tt.path, status, body, tt.status, tt.contains)
			}
		})
	}

	// At most 100 terms: the 101st is refused, a duplicate still answered.
	for i := 1; i < 100; i++ { // "yyy…" is the first
		addTerm(t, alice, in, fmt.Sprintf("term %d", i))
	}
	if status, body := call(t, alice, "POST", in.URL+"/watchlist", `{"term":"one too many"}`); status != http.StatusConflict {
		t.Fatalf("term 101: %d %s, want 409", status, body)
	}
	if status, body := call(t, alice, "POST", in.URL+"/watchlist", `{"term":"TERM 1"}`); status != http.StatusOK {
		t.Fatalf("a duplicate at the limit: %d %s, want 200", status, body)
	}
}

// TestWatchAlertsReachEveryWatcherSocketAndNoOneElse runs two instances on
// one Redis: alice has a socket on each, bob one; only alice watches the
// term. Both of alice's sockets get the match within a second of the
// purchase being stored; bob's gets nothing but the purchase itself.
func TestWatchAlertsReachEveryWatcherSocketAndNoOneElse(t *testing.T) {
	rdb, a, b := twoInstances(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	alice := login(t, a, "alice")
	bob := login(t, a, "bob")
	aliceOnA := dialAs(ctx, t, a, alice)
	aliceOnB := dialAs(ctx, t, b, alice)
	bobOnA := dialAs(ctx, t, a, bob)
	term := addTerm(t, alice, b, "watched artist")

	sent := time.Now()
	publish(ctx, t, rdb, "Wätched Artîst", "Tape")
	for name, c := range map[string]*websocket.Conn{"alice on a": aliceOnA, "alice on b": aliceOnB} {
		msg := readUntil(ctx, t, c, func(m map[string]json.RawMessage) bool { _, ok := m["watchMatches"]; return ok })
		if took := time.Since(sent); took > time.Second {
			t.Errorf("%s got the match after %v, want within 1 s", name, took)
		}
		var got []struct {
			WatchID  string `json:"watchId"`
			Term     string `json:"term"`
			Purchase struct {
				ArtistName string `json:"artist_name"`
			} `json:"purchase"`
		}
		if err := json.Unmarshal(msg["watchMatches"], &got); err != nil || len(got) != 1 || got[0].WatchID != term.ID ||
			got[0].Term != "watched artist" || got[0].Purchase.ArtistName != "Wätched Artîst" {
			t.Errorf("%s got %s", name, msg["watchMatches"])
		}
	}
	// Bob gets the purchase like everyone, and no alert.
	readUntil(ctx, t, bobOnA, func(m map[string]json.RawMessage) bool {
		if _, ok := m["watchMatches"]; ok {
			t.Fatalf("bob got alice's alert: %s", m["watchMatches"])
		}
		return bytes.Contains(m["purchases"], []byte("Wätched Artîst"))
	})
	quiet(ctx, t, map[string]*websocket.Conn{"alice on a": aliceOnA, "alice on b": aliceOnB, "bob on a": bobOnA}, "another alert", func(data []byte) bool {
		return bytes.Contains(data, []byte(`"watchMatches"`))
	})
}

// TestOfflineWatcherFindsMatchesInTheList: matches stored while the user
// was away (logged out, no socket) are in the list when they come back,
// once each, even when the feed delivers the same purchases again.
func TestOfflineWatcherFindsMatchesInTheList(t *testing.T) {
	srv := redistest.Server(t)
	rdb := redistest.Connect(t, srv.URL())
	idle := apptest.Start(t, srv.URL(), "--feed", "replay:/dev/null")
	alice := login(t, idle, "alice")
	girlBand := addTerm(t, alice, idle, "girl band")
	uk := addTerm(t, alice, idle, "United Kingdom")
	// Words and a country: vinyl bought in the United States, as the
	// search reads the term.
	usVinyl := addTerm(t, alice, idle, "vinyl united states")
	if status, b := call(t, alice, "POST", idle.URL+"/account/logout", "{}"); status != http.StatusNoContent {
		t.Fatalf("logout = %d %s", status, b)
	}
	idle.Stop()

	// The recorded feed, twice: the second replay delivers every purchase again.
	for round := range 2 {
		in := apptest.Start(t, srv.URL(), "--feed", "replay:"+replayFile, "--speed", "0")
		testwait.Until(t, 15*time.Second, "the replay to be stored", func() bool {
			return strings.Contains(in.Logs.String(), "source finished") && apptest.CountPurchases(t, rdb) == 264 && allStored(t, rdb)
		})
		in.Stop()
		t.Logf("replay %d stored", round+1)
	}

	back := apptest.Start(t, srv.URL(), "--feed", "replay:/dev/null")
	again := signIn(t, back, "/account/login", "alice")
	var all []string
	perTerm := map[string]int{}
	for before := ""; ; {
		status, b := call(t, again, "GET", back.URL+"/watchlist/matches?before="+url.QueryEscape(before), "")
		var page matchesBody
		if status != http.StatusOK || json.Unmarshal(b, &page) != nil {
			t.Fatalf("matches = %d %s", status, b)
		}
		for _, m := range page.Matches {
			all = append(all, m.ID)
			perTerm[m.WatchID]++
			var p struct {
				ID      string `json:"id"`
				Artist  string `json:"artist_name"`
				Country string `json:"country"`
			}
			if json.Unmarshal(m.Purchase, &p) != nil || p.ID == "" || (p.Artist != "Girl Band" && p.Country != "United Kingdom" && p.Country != "United States") {
				t.Fatalf("match %s holds %s", m.ID, m.Purchase)
			}
		}
		if page.Next == nil {
			break
		}
		before = *page.Next
	}
	want := map[string]int{girlBand.ID: countIn(t, rdb, "@search_text:(girl band*)"), uk.ID: countIn(t, rdb, "@country:{United\\ Kingdom}"),
		usVinyl.ID: countSearch(t, rdb, usVinyl.Term)}
	if all := countIn(t, rdb, "@country:{United\\ States}"); want[usVinyl.ID] >= all {
		t.Errorf("the search finds %d purchases for %q, of %d from the United States: not a country and words", want[usVinyl.ID], usVinyl.Term, all)
	}
	if perTerm[girlBand.ID] != want[girlBand.ID] || perTerm[uk.ID] != want[uk.ID] || perTerm[usVinyl.ID] != want[usVinyl.ID] ||
		want[girlBand.ID] == 0 || want[uk.ID] == 0 || want[usVinyl.ID] == 0 {
		t.Errorf("matches per term %v, want %v (each purchase once)", perTerm, want)
	}
	seen := map[string]bool{}
	for _, id := range all {
		if seen[id] {
			t.Fatalf("match %s listed twice", id)
		}
		seen[id] = true
	}
}

// countIn is how many stored purchases the index finds for query.
func countIn(t *testing.T, rdb *redis.Client, query string) int {
	t.Helper()
	res, err := rdb.Do(context.Background(), "FT.SEARCH", "idx:purchases", query, "LIMIT", "0", "0", "DIALECT", "2").Slice()
	if err != nil {
		t.Fatal(err)
	}
	return int(res[0].(int64))
}

// countSearch is how many purchases the search endpoint's query finds for
// term.
func countSearch(t *testing.T, rdb *redis.Client, term string) int {
	t.Helper()
	q, err := purchases.SearchQuery(term)
	if err != nil {
		t.Fatal(err)
	}
	args := []any{"FT.SEARCH", "idx:purchases", q.Text, "LIMIT", "0", "0"}
	if len(q.Params) > 0 {
		args = append(args, "PARAMS", 2*len(q.Params))
		for k, v := range q.Params {
			args = append(args, k, v)
		}
	}
	res, err := rdb.Do(context.Background(), append(args, "DIALECT", "2")...).Slice()
	if err != nil {
		t.Fatal(err)
	}
	return int(res[0].(int64))
}

// dialAs opens a WebSocket to in with c's session and waits for its
// welcome snapshot, so that it is subscribed.
func dialAs(ctx context.Context, t *testing.T, in *apptest.Instance, c *http.Client) *websocket.Conn {
	t.Helper()
	conn := dial(ctx, t, in, c)
	conn.SetReadLimit(-1)
	readUntil(ctx, t, conn, func(m map[string]json.RawMessage) bool { _, ok := m["topSellers"]; return ok })
	return conn
}

// dial opens a WebSocket to in with c's session. Cookies are not kept
// apart by port: the session's cookie, valid on every instance, goes to each.
func dial(ctx context.Context, t *testing.T, in *apptest.Instance, c *http.Client) *websocket.Conn {
	t.Helper()
	u, _ := url.Parse(in.URL)
	conn, _, err := websocket.Dial(ctx, "ws://"+u.Host+"/ws", &websocket.DialOptions{
		HTTPHeader: http.Header{"Cookie": {cookieHeader(c.Jar.Cookies(u))}, "Origin": {in.URL}},
	})
	if err != nil {
		t.Fatalf("dial %s: %v", in.Addr, err)
	}
	t.Cleanup(func() { _ = conn.CloseNow() })
	return conn
}

// publish adds one purchase to the feed's stream, as the feed would.
func publish(ctx context.Context, t *testing.T, rdb *redis.Client, artist, item string) {
	t.Helper()
	now := float64(time.Now().UnixMicro()) / 1e6
	sale := feed.Sale{UTCDate: now, Items: []feed.Item{{
		UTCDate: now, ArtistName: artist, ItemType: "t", ItemDescription: item,
		Currency: "USD", AmountPaid: 1, AmountPaidUSD: 1, Country: "Japan", CountryCode: "jp",
		URL: "//test.bandcamp.com/track/" + url.PathEscape(item), AmountPaidFmt: "$1",
	}}}
	if err := ingest.NewPublisher(rdb).Publish(ctx, sale); err != nil {
		t.Fatal(err)
	}
}

// quiet fails if any of conns receives a message that is what within
// 300 ms.
func quiet(ctx context.Context, t *testing.T, conns map[string]*websocket.Conn, what string, is func(data []byte) bool) {
	t.Helper()
	for name, c := range conns {
		wait, stop := context.WithTimeout(ctx, 300*time.Millisecond)
		for {
			_, data, err := c.Read(wait)
			if err != nil {
				break
			}
			if is(data) {
				t.Errorf("client %s got %s: %s", name, what, data)
			}
		}
		stop()
	}
}
