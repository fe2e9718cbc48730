package ingest_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/beatsbyredis/beats/internal/feed"
	"github.com/beatsbyredis/beats/internal/ingest"
	"github.com/beatsbyredis/beats/internal/redistest"
	"github.com/beatsbyredis/beats/internal/testclock"
	"github.com/beatsbyredis/beats/internal/testwait"
)

// TestFeedHealth walks the feed through the states the dashboard shows:
// not running, live and answering, failing, answering again, silent.
func TestFeedHealth(t *testing.T) {
	ctx := t.Context()
	rdb := redistest.New(t)
	clock := testclock.New()
	read := func() feed.Status {
		t.Helper()
		st, err := ingest.ReadStatus(ctx, rdb, clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	if st := read(); st.Running || st.Healthy || st.LastError != nil || st.LastSaleAt != nil || st.Since != 0 {
		t.Fatalf("with no feed: %+v", st)
	}

	lease := ingest.NewLease(rdb, "me", time.Minute)
	if ok, err := lease.TryAcquire(ctx); err != nil || !ok {
		t.Fatalf("TryAcquire = %v, %v", ok, err)
	}
	health := ingest.NewHealth(rdb, clock.Now)
	pubCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- health.Publish(pubCtx) }()
	defer func() { stop(); <-done }()
	until := func(what string, ok func(feed.Status) bool) feed.Status {
		t.Helper()
		var st feed.Status
		testwait.Until(t, 5*time.Second, what, func() bool { st = read(); return ok(st) })
		return st
	}
	if st := read(); st.Mode != "" || !st.Running || st.Healthy {
		t.Fatalf("starting: %+v", st)
	}

	started := clock.Now().UnixMilli()
	health.Started("live")
	if err := lease.SetMode(ctx, "live"); err != nil {
		t.Fatal(err)
	}
	st := until("healthy", func(st feed.Status) bool { return st.Healthy })
	if st.Mode != "live" || st.Since != started || st.LastError != nil {
		t.Fatalf("started: %+v", st)
	}

	sale := clock.Now().Add(-3 * time.Second)
	health.Sold([]feed.Sale{{UTCDate: float64(sale.UnixMilli()) / 1000}})
	until("the sale", func(st feed.Status) bool { return st.LastSaleAt != nil && *st.LastSaleAt == sale.UnixMilli() })

	clock.Advance(time.Minute)
	failed := clock.Now().UnixMilli()
	health.Attempted(errors.New("dial tcp 10.0.0.1:443: connect: connection refused"))
	st = until("unhealthy", func(st feed.Status) bool { return !st.Healthy })
	if st.LastError == nil || *st.LastError != "Bandcamp unreachable" || st.Since != failed {
		t.Fatalf("failing: %+v, lastError %v", st, deref(st.LastError))
	}
	clock.Advance(10 * time.Second)
	health.Attempted(errors.New("again"))
	health.Started("live") // a restart of the source does not hide the failure
	if st := until("still failing", func(st feed.Status) bool { return true }); st.Healthy || st.Since != failed {
		t.Fatalf("failing again: %+v", st)
	}

	clock.Advance(10 * time.Second)
	recovered := clock.Now().UnixMilli()
	health.Attempted(nil)
	st = until("healthy again", func(st feed.Status) bool { return st.Healthy })
	if st.LastError != nil || st.Since != recovered {
		t.Fatalf("recovered: %+v", st)
	}

	clock.Advance(ingest.StaleAfter + time.Second)
	st = read()
	if st.Healthy || st.LastError == nil || st.Since != recovered {
		t.Fatalf("silent for %v: %+v", ingest.StaleAfter, st)
	}
}

func deref(s *string) string {
	if s == nil {
		return "<nil>"
	}
	return *s
}
