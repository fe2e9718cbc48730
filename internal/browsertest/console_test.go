package browsertest

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/chromedp"

	"github.com/beatsbyredis/beats/internal/testwait"
)

// TestConsoleLogCatchesErrors checks the watcher TestDashboard relies on: a
// console.error, an uncaught exception and a failed load must each show up,
// or "no console errors" would prove nothing.
func TestConsoleLogCatchesErrors(t *testing.T) {
	requireChromium(t)
	page := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write([]byte(`<!doctype html><title>errors</title><img src="/missing.png">
<script>console.error("boom"); console.warn("careful"); setTimeout(() => { throw new Error("bang") });</script>`))
	}))
	t.Cleanup(page.Close)
	b := newBrowser(t)

	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate(page.URL)); err != nil {
		t.Fatal(err)
	}
	want := []string{"console.error: boom", "Error: bang", "404"}
	testwait.UntilSeen(t, stepTimeout, fmt.Sprintf("the console log to have %q", want), func() (bool, string) {
		all := strings.Join(b.console.Errors(), "\n")
		for _, w := range want {
			if !strings.Contains(all, w) {
				return false, all
			}
		}
		return true, ""
	})
	t.Logf("caught: %q", b.console.Errors())
	if w := strings.Join(b.console.Warnings(), "\n"); !strings.Contains(w, "careful") {
		t.Errorf("warnings = %q, want console.warn's", w)
	}
}

// TestConsoleLogExpect: an expected error does not count while it is
// expected, and counts again once the test says it is over; other errors
// always count.
func TestConsoleLogExpect(t *testing.T) {
	c := &consoleLog{}
	logErr := func(text string) {
		c.record(&log.EventEntryAdded{Entry: &log.Entry{Source: log.EntrySourceNetwork, Level: log.EntryLevelError, Text: text}})
	}
	logErr("before: ERR_CONNECTION_REFUSED")
	over := c.expect(`ERR_CONNECTION_REFUSED`, `WebSocket connection to .* failed`)
	c.expect(`status of 401`) // to the end of the test
	logErr("during: ERR_CONNECTION_REFUSED")
	logErr("WebSocket connection to 'ws://x/ws' failed")
	logErr("during: something else")
	over()
	logErr("after: ERR_CONNECTION_REFUSED")
	logErr("after: status of 401")

	want := []string{
		"browser network error: before: ERR_CONNECTION_REFUSED",
		"browser network error: during: something else",
		"browser network error: after: ERR_CONNECTION_REFUSED",
	}
	if got := c.Errors(); !slices.Equal(got, want) {
		t.Fatalf("errors = %q, want %q", got, want)
	}
}
