package feed

import (
	"context"
	"errors"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// fastLive polls in milliseconds so a test runs the recorded 8 minutes at
// once. Its request timeout is generous, for loaded CI machines; tests of
// timeouts shorten it with shortTimeout.
func fastLive(srv *httptest.Server, tweak ...func(*LiveOptions)) (*Live, *logBuffer) {
	log, buf := testLogger()
	o := LiveOptions{
		BaseURL: srv.URL + "/", Client: srv.Client(), Logger: log,
		PollInterval: time.Millisecond, MinBackoff: time.Millisecond, MaxBackoff: 4 * time.Millisecond,
		RequestTimeout: 5 * time.Second, ProbeTimeout: 5 * time.Second,
	}
	for _, f := range tweak {
		f(&o)
	}
	return NewLive(o), buf
}

func shortTimeout(o *LiveOptions) {
	o.RequestTimeout, o.ProbeTimeout = 150*time.Millisecond, 150*time.Millisecond
}

// faultLog is what the warning for each fault says.
var faultLog = map[fault]string{
	fault500: "500 Internal Server Error", fault429: "429 Too Many Requests", faultSlow: "deadline exceeded",
	faultTruncated: "truncated JSON", faultHTML: "an HTML page",
}

// collect reads sales until they hold n items.
func collect(t *testing.T, src Source, n int) []Sale {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	var sales []Sale
	for items := 0; items < n; {
		s, err := src.Next(ctx)
		if err != nil {
			t.Fatalf("after %d sales (%d items): %v", len(sales), items, err)
		}
		sales = append(sales, s)
		items += len(s.Items)
	}
	return sales
}

// wantRequests is the recorded file walked window by window.
func wantRequests() []string {
	want := []string{"initial"}
	for start := int64(1599688860); start <= 1599689220; start += 60 {
		want = append(want, strconv.FormatInt(start, 10))
	}
	return want
}

func TestLiveReplaysRecordedWindows(t *testing.T) {
	cases := []struct {
		name    string
		faults  []fault
		overlap bool
	}{
		{name: "clean"},
		{name: "5xx", faults: []fault{fault500, fault500}},
		{name: "429", faults: []fault{fault429}},
		{name: "timeout", faults: []fault{faultSlow}},
		{name: "truncated JSON", faults: []fault{faultTruncated}},
		{name: "HTML page", faults: []fault{faultHTML}},
		{name: "mid-stream mix", faults: []fault{faultNone, fault500, faultNone, faultTruncated, faultHTML, faultNone, faultSlow}},
		{name: "overlapping windows", overlap: true},
		{name: "overlap and faults", overlap: true, faults: []fault{faultNone, faultHTML, faultNone, fault500}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			feed, srv := newFakeFeed(t, c.faults...)
			feed.overlap = c.overlap
			live, logs := fastLive(srv)
			if slices.Contains(c.faults, faultSlow) {
				live, logs = fastLive(srv, shortTimeout)
			}
			sales := collect(t, live, recordedItems)
			if len(sales) != recordedSales {
				t.Errorf("%d sales, want %d", len(sales), recordedSales)
			}
			seen := map[string]bool{}
			last := 0.0
			for _, s := range sales {
				if s.UTCDate < last {
					t.Errorf("sale at %f after one at %f", s.UTCDate, last)
				}
				last = s.UTCDate
				for _, it := range s.Items {
					if it.ID != PurchaseID(it.UTCDate, it.URL) {
						t.Errorf("item id %q, want PurchaseID of its date and url", it.ID)
					}
					if seen[it.ID] {
						t.Errorf("item %s (%s) yielded twice", it.ID, it.URL)
					}
					seen[it.ID] = true
				}
			}
			// One warning per failure, naming it. A loaded machine may time
			// out more requests than the slow fault does, never fewer.
			for ft, text := range faultLog {
				want := 0
				for _, f := range c.faults {
					if f == ft {
						want++
					}
				}
				got := logs.count("level=WARN msg=\"feed: live request failed, retrying\"", text)
				if got != want && (ft != faultSlow || got < want) {
					t.Errorf("%d warnings of %q, want %d:\n%s", got, text, want, logs)
				}
			}
			if got := slices.Compact(feed.requested()); !slices.Equal(got, wantRequests()) {
				t.Errorf("requests %v, want %v", got, wantRequests())
			}
		})
	}
}

func TestLiveProbe(t *testing.T) {
	cases := []struct {
		name    string
		fault   fault
		wantErr string
	}{
		{"answers", faultNone, ""},
		{"server error, no retry", fault500, "500"},
		{"too slow", faultSlow, "deadline exceeded"},
		{"HTML page", faultHTML, "HTML page"},
		{"truncated", faultTruncated, "truncated"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			feed, srv := newFakeFeed(t, c.fault)
			live, _ := fastLive(srv)
			if c.fault == faultSlow {
				live, _ = fastLive(srv, shortTimeout)
			}
			err := live.Probe(t.Context())
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("Probe = %v, want an error mentioning %q", err, c.wantErr)
				}
				if n := len(feed.requested()); n != 1 {
					t.Errorf("%d requests, want exactly one attempt", n)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			s, err := live.Next(t.Context())
			if err != nil || s.Items[0].ArtistName != "Girl Band" {
				t.Fatalf("first sale %+v, %v", s, err)
			}
			if got := feed.requested(); !slices.Equal(got, []string{"initial"}) {
				t.Errorf("requests %v: the probe's answer should serve the first Next", got)
			}
		})
	}
	t.Run("unreachable", func(t *testing.T) {
		srv := httptest.NewServer(nil)
		srv.Close()
		live, _ := fastLive(srv)
		if err := live.Probe(t.Context()); err == nil {
			t.Fatal("Probe of a closed port succeeded")
		}
	})
}

func TestLiveClientErrorIsNotRetried(t *testing.T) {
	feed, srv := newFakeFeed(t, fault404)
	live, _ := fastLive(srv)
	_, err := live.Next(t.Context())
	if err == nil || !strings.Contains(err.Error(), "404") {
		t.Fatalf("Next = %v, want the 404", err)
	}
	if n := len(feed.requested()); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}

func TestLiveCancel(t *testing.T) {
	cases := []struct {
		name   string
		faults []fault
		tweak  func(*LiveOptions)
		drain  int // sales to read before blocking
	}{
		{"waiting for the next poll", nil, func(o *LiveOptions) { o.PollInterval = time.Hour }, 17},
		{"backing off", []fault{fault500}, func(o *LiveOptions) { o.MinBackoff, o.MaxBackoff = time.Hour, time.Hour }, 0},
		{"in a slow request", []fault{faultSlow}, func(o *LiveOptions) { o.RequestTimeout = time.Hour }, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, srv := newFakeFeed(t, c.faults...)
			live, _ := fastLive(srv, c.tweak)
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			for range c.drain {
				if _, err := live.Next(ctx); err != nil {
					t.Fatal(err)
				}
			}
			done := make(chan error, 1)
			go func() { _, err := live.Next(ctx); done <- err }()
			select {
			case err := <-done:
				t.Fatalf("Next returned %v before the cancel", err)
			case <-time.After(50 * time.Millisecond):
			}
			cancel()
			select {
			case err := <-done:
				if !errors.Is(err, context.Canceled) {
					t.Errorf("Next = %v, want context.Canceled", err)
				}
			case <-time.After(2 * time.Second):
				t.Fatal("Next ignored the cancel")
			}
		})
	}
}

// TestLiveReportsAttempts: feed health hears of each failed request, told
// without the URL, and of the answer that follows.
func TestLiveReportsAttempts(t *testing.T) {
	_, srv := newFakeFeed(t, fault500, faultHTML, faultSlow, fault429)
	var heard []string
	live, _ := fastLive(srv, shortTimeout, func(o *LiveOptions) {
		o.Attempted = func(err error) { heard = append(heard, PublicError(err)) }
	})
	collect(t, live, 1)
	want := []string{
		"Bandcamp answered 500",
		"Bandcamp sent an answer that is not a sales feed",
		"Bandcamp did not answer in time",
		"Bandcamp answered 429",
		"",
	}
	if !slices.Equal(heard, want) {
		t.Fatalf("heard %q\nwant %q", heard, want)
	}
	for _, msg := range heard {
		if strings.Contains(msg, "127.0.0.1") || strings.Contains(msg, "http") {
			t.Errorf("public error %q tells an address", msg)
		}
	}
}

func TestPublicErrorOfAnUnreachableHost(t *testing.T) {
	srv := httptest.NewServer(nil)
	srv.Close() // nothing listens there any more
	live, _ := fastLive(srv, func(o *LiveOptions) { o.MaxBackoff = time.Hour })
	ctx, cancel := context.WithCancel(t.Context())
	heard := make(chan error, 1)
	live.opts.Attempted = func(err error) {
		heard <- err
		cancel() // one attempt is enough
	}
	_, _ = live.Next(ctx)
	got := <-heard
	if msg := PublicError(got); msg != "Bandcamp unreachable" {
		t.Fatalf("PublicError(%v) = %q", got, msg)
	}
}
