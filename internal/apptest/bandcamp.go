package apptest

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

// Bandcamp is a local stand-in for the Bandcamp sales API, for feed health
// tests: while Failing is set it answers 503, otherwise an empty window
// ending now.
type Bandcamp struct {
	URL     string
	Failing atomic.Bool
}

// FailingBandcamp starts a Bandcamp that fails until told otherwise; it
// stops when the test ends.
func FailingBandcamp(t testing.TB) *Bandcamp {
	t.Helper()
	b := &Bandcamp{}
	b.Failing.Store(true)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if b.Failing.Load() {
			http.Error(w, "down for maintenance", http.StatusServiceUnavailable)
			return
		}
		now := time.Now().Unix()
		fmt.Fprintf(w, `{"feed_data":{"start_date":%d,"end_date":%d,"server_time":%d,"events":[]}}`, now-60, now, now)
	}))
	t.Cleanup(srv.Close)
	b.URL = srv.URL
	return b
}
