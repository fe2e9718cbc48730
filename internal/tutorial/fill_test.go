package tutorial_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/beatsbyredis/beats/internal/apptest"
	"github.com/beatsbyredis/beats/internal/redistest"
	"github.com/beatsbyredis/beats/internal/testwait"
)

// What the reader's app holds, as the pages name it.
const (
	// retention is the app's default --retention (720h).
	retention = 720 * time.Hour
	// recording is real feed data, replayed as the app's --feed replay does.
	recording = "../../testdata/feed-2020-09-09.jsonl"
	// fanName is the name the pages ask the reader to register with.
	fanName     = "beatsfan"
	fanPassword = "correct horse battery staple"
)

// feeds are what a reader's app may be fed: the recorded real feed (as
// `--feed replay:FILE` plays it) and the synthetic feed that `make run`
// falls back to offline, which keeps adding purchases while the page runs.
// stored is how many purchases the app has stored before the page starts.
var feeds = []struct {
	name   string
	args   []string
	stored int
}{
	{"replay", []string{"--feed", "replay:" + recording, "--speed", "0"}, 264},
	{"synthetic", []string{"--feed", "synthetic:20"}, 30},
}

// reader is one reader's setting: the app running on a fresh Redis Stack
// (the only thing that ever wrote to it), a client for the commands the
// pages run, and the reader's browser for the steps a page asks for.
type reader struct {
	app     *apptest.Instance
	rdb     *redis.Client
	browser *http.Client
}

// startApp starts the app with the feed's flags on an empty Redis Stack and
// waits until it has stored the feed's first purchases, as a reader who
// "lets the app run for a minute" finds it.
func startApp(t *testing.T, feedArgs []string, stored int) *reader {
	t.Helper()
	srv := redistest.Server(t)
	rdb := redistest.Connect(t, srv.URL())
	in := apptest.Start(t, srv.URL(), feedArgs...)
	testwait.UntilSeen(t, 30*time.Second, fmt.Sprintf("%d purchases stored", stored), func() (bool, string) {
		n := apptest.CountPurchases(t, rdb)
		return n >= stored, fmt.Sprintf("%d stored", n)
	})
	jar, _ := cookiejar.New(nil)
	return &reader{app: in, rdb: rdb, browser: &http.Client{Jar: jar, Timeout: 10 * time.Second}}
}

// steps are what a page may ask the reader to do in the dashboard before a
// block (<!-- step: NAME -->); the test does the same through the app.
var steps = map[string]func(t *testing.T, r *reader){
	// Register on the dashboard as beatsfan (which logs in).
	"register": func(t *testing.T, r *reader) {
		r.post(t, "/account/register", fanPassword, http.StatusOK)
	},
	// Log in as beatsfan with a wrong password.
	"wrong-password": func(t *testing.T, r *reader) {
		r.post(t, "/account/login", "not the password", http.StatusUnauthorized)
	},
}

// post sends fan's name and password to path, as the dashboard's form does.
func (r *reader) post(t *testing.T, path, password string, want int) {
	t.Helper()
	body := fmt.Sprintf(`{"username": %q, "password": %q}`, fanName, password)
	resp, err := r.browser.Post(r.app.URL+path, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatalf("step: POST %s: %v", path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != want {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("step: POST %s = %d %s, want %d", path, resp.StatusCode, b, want)
	}
}

// leftovers lists the scratch keys and indexes a page left behind.
func leftovers(ctx context.Context, rdb *redis.Client) ([]string, error) {
	keys, err := rdb.Keys(ctx, scratchPrefix+"*").Result()
	if err != nil {
		return nil, err
	}
	indexes, err := rdb.Do(ctx, "FT._LIST").StringSlice()
	if err != nil {
		return nil, err
	}
	for _, ix := range indexes {
		if strings.HasPrefix(ix, scratchPrefix) {
			keys = append(keys, "index "+ix)
		}
	}
	return keys, nil
}
