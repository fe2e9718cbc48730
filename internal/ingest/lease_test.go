package ingest_test

import (
	"context"
	"errors"
	"log/slog"
	"testing"
	"time"

	"github.com/beatsbyredis/beats/internal/ingest"
	"github.com/beatsbyredis/beats/internal/redistest"
)

func TestLeaseOneHolderAtATime(t *testing.T) {
	ctx := context.Background()
	rdb := redistest.New(t)
	a := ingest.NewLease(rdb, "a", time.Second)
	b := ingest.NewLease(rdb, "b", time.Second)
	if ok, err := a.TryAcquire(ctx); err != nil || !ok {
		t.Fatalf("a.TryAcquire = %v, %v", ok, err)
	}
	if ok, _ := b.TryAcquire(ctx); ok {
		t.Fatal("b acquired a held lease")
	}
	if ok, _ := b.Renew(ctx); ok {
		t.Fatal("b renewed a lease it does not hold")
	}
	if err := a.SetMode(ctx, "synthetic"); err != nil {
		t.Fatal(err)
	}
	if owner, mode, err := ingest.Holder(ctx, rdb); err != nil || owner != "a" || mode != "synthetic" {
		t.Fatalf("Holder = %q %q %v", owner, mode, err)
	}
	if err := b.Release(ctx); err != nil {
		t.Fatal(err)
	}
	if owner, _, _ := ingest.Holder(ctx, rdb); owner != "a" {
		t.Fatal("b released a's lease")
	}
	if err := a.Release(ctx); err != nil {
		t.Fatal(err)
	}
	if _, _, err := ingest.Holder(ctx, rdb); !errors.Is(err, ingest.ErrNoHolder) {
		t.Fatalf("Holder of a released lease: err = %v, want ErrNoHolder", err)
	}
	if ok, _ := b.TryAcquire(ctx); !ok {
		t.Fatal("b could not take a released lease")
	}
}

func TestHoldStopsWhenTheLeaseIsLost(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	rdb := redistest.New(t)
	lease := ingest.NewLease(rdb, "a", 150*time.Millisecond)
	running := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- lease.Hold(ctx, slog.New(slog.DiscardHandler), func(held context.Context) error {
			close(running)
			<-held.Done()
			return context.Cause(held)
		})
	}()
	<-running
	// Another instance steals the key: the holder must notice and stop.
	rdb.Set(ctx, ingest.LeaseKey, "thief starting", time.Minute)
	select {
	case err := <-done:
		if err == nil || ctx.Err() != nil {
			t.Fatalf("Hold returned %v, want the lease-lost cause", err)
		}
	case <-ctx.Done():
		t.Fatal("Hold kept running after its lease was taken")
	}
	if owner, _, _ := ingest.Holder(ctx, rdb); owner != "thief" {
		t.Fatalf("the lost lease's release removed the new holder's key (owner %q)", owner)
	}
}
