package httpapi

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/redis/go-redis/v9"

	"github.com/beatsbyredis/beats/internal/accounts"
	"github.com/beatsbyredis/beats/internal/redistest"
	"github.com/beatsbyredis/beats/internal/testclock"
)

// accountsEnv is the whole HTTP stack over a fresh Redis Stack.
type accountsEnv struct {
	url   string
	rdb   *redis.Client
	clock *testclock.Clock // the accounts' time, so tests can let tokens expire
}

const dashboardHTML = "<!doctype html><title>Beats By Redis</title>"

// newAccountsEnv serves Handler with real accounts; live, when not nil, is
// the WebSocket route.
func newAccountsEnv(t *testing.T, o accounts.Options, d Deps) *accountsEnv {
	t.Helper()
	rdb := redistest.New(t)
	clock := testclock.New()
	o.Params = accounts.Params{MemoryKiB: 64, Passes: 1, Lanes: 1} // fast; production uses OWASP's
	o.Now = clock.Now
	if o.HashQueue == 0 {
		o.HashQueue = 64
	}
	svc, err := accounts.NewService(rdb, o)
	if err != nil {
		t.Fatal(err)
	}
	d.Accounts = svc
	d.Sessions = accounts.NewSessionManager(rdb, d.HTTPS)
	d.Web = http.FS(fstest.MapFS{"index.html": {Data: []byte(dashboardHTML)}})
	srv := httptest.NewServer(New(d).Handler())
	t.Cleanup(srv.Close)
	return &accountsEnv{url: srv.URL, rdb: rdb, clock: clock}
}

// browser is a client with a cookie jar that does not follow redirects.
func (e *accountsEnv) browser(t *testing.T) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// step is one request of a scenario and what it must answer.
type step struct {
	method, path string
	json         string            // a JSON body
	form         url.Values        // a form body
	header       map[string]string // extra request headers
	status       int
	location     string // the redirect target, when status is 3xx
	body         string // a substring of the answer
}

// run sends st with c and checks the answer; it returns the response and body.
func (e *accountsEnv) run(t *testing.T, c *http.Client, st step) (*http.Response, string) {
	t.Helper()
	var body io.Reader
	req, err := http.NewRequestWithContext(context.Background(), st.method, e.url+st.path, nil)
	if err != nil {
		t.Fatal(err)
	}
	switch {
	case st.json != "":
		body = strings.NewReader(st.json)
		req.Header.Set("Content-Type", "application/json")
	case st.form != nil:
		body = strings.NewReader(st.form.Encode())
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if body != nil {
		req.Body = io.NopCloser(body)
	}
	for k, v := range st.header {
		req.Header.Set(k, v)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", st.method, st.path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != st.status {
		t.Fatalf("%s %s = %d %s; want %d", st.method, st.path, resp.StatusCode, b, st.status)
	}
	if loc := resp.Header.Get("Location"); st.location != "" && loc != st.location {
		t.Fatalf("%s %s redirects to %q; want %q", st.method, st.path, loc, st.location)
	}
	if !strings.Contains(string(b), st.body) {
		t.Fatalf("%s %s answered %s; want it to contain %s", st.method, st.path, b, st.body)
	}
	return resp, string(b)
}

// jsonDoc reads a RedisJSON document as a map.
func jsonDoc(t *testing.T, rdb *redis.Client, key string) map[string]any {
	t.Helper()
	raw, err := rdb.Do(context.Background(), "JSON.GET", key).Text()
	if err != nil {
		t.Fatalf("JSON.GET %s: %v", key, err)
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(raw), &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

// sessionKeys lists the session documents.
func sessionKeys(t *testing.T, rdb *redis.Client) []string {
	t.Helper()
	keys, err := rdb.Keys(context.Background(), accounts.SessionPrefix+"*").Result()
	if err != nil {
		t.Fatal(err)
	}
	return keys
}

func alice(password string) string {
	return `{"username":"alice","password":"` + password + `"}`
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func jsonDocFrom(t *testing.T, raw string) map[string]any {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal([]byte(raw), &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}
