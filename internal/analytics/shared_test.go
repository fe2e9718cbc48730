package analytics

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/beatsbyredis/beats/internal/testclock"
)

// TestSharedComputesOnceForConcurrentCallers: sixteen callers at once get
// one computation's answer; it is kept for the ttl and computed again after.
func TestSharedComputesOnceForConcurrentCallers(t *testing.T) {
	clock := testclock.New()
	s := newShared[int](time.Second, time.Minute, make(chan struct{}, 2), clock.Now)
	var runs atomic.Int32
	started, release := make(chan struct{}, 16), make(chan struct{})
	compute := func(context.Context) (int, error) {
		started <- struct{}{}
		<-release
		return int(runs.Add(1)), nil
	}
	var wg sync.WaitGroup
	answers := make([]int, 16)
	for i := range answers {
		wg.Go(func() {
			v, err := s.get(t.Context(), "k", compute)
			if err != nil {
				t.Error(err)
			}
			answers[i] = v
		})
	}
	<-started // callers arriving later find the kept answer: all get 1 either way
	close(release)
	wg.Wait()
	for _, a := range answers {
		if a != 1 {
			t.Fatalf("answers %v: want all from the one computation", answers)
		}
	}
	if v, _ := s.get(t.Context(), "k", compute); v != 1 {
		t.Fatalf("within the ttl: %d, want the kept 1", v)
	}
	clock.Advance(time.Second)
	if v, _ := s.get(t.Context(), "k", compute); v != 2 {
		t.Fatalf("after the ttl: %d, want a new computation", v)
	}
}

// TestSharedOutlivesACallerAndForgetsErrors: a caller that gives up does
// not cancel the computation the others wait for; a failed computation is
// not kept.
func TestSharedOutlivesACallerAndForgetsErrors(t *testing.T) {
	s := newShared[int](time.Minute, time.Minute, make(chan struct{}, 1), time.Now)
	release := make(chan struct{})
	var sawCancel atomic.Bool
	compute := func(ctx context.Context) (int, error) {
		<-release
		sawCancel.Store(ctx.Err() != nil)
		return 7, nil
	}
	ctx, cancel := context.WithCancel(t.Context())
	first := make(chan error, 1)
	go func() {
		_, err := s.get(ctx, "k", compute)
		first <- err
	}()
	second := make(chan int, 1)
	go func() {
		v, _ := s.get(t.Context(), "k", compute)
		second <- v
	}()
	cancel()
	if err := <-first; !errors.Is(err, context.Canceled) {
		t.Fatalf("the cancelled caller got %v", err)
	}
	close(release)
	if v := <-second; v != 7 || sawCancel.Load() {
		t.Fatalf("the other caller got %d (computation cancelled: %v)", v, sawCancel.Load())
	}

	boom := errors.New("boom")
	if _, err := s.get(t.Context(), "e", func(context.Context) (int, error) { return 0, boom }); !errors.Is(err, boom) {
		t.Fatalf("got %v, want boom", err)
	}
	if v, err := s.get(t.Context(), "e", func(context.Context) (int, error) { return 3, nil }); v != 3 || err != nil {
		t.Fatalf("after an error: %d, %v; want a new computation", v, err)
	}
}

// TestSharedBoundsConcurrentComputations: with one slot, a second key waits
// for the first computation to end.
func TestSharedBoundsConcurrentComputations(t *testing.T) {
	s := newShared[int](time.Minute, time.Minute, make(chan struct{}, 1), time.Now)
	var running, most atomic.Int32
	compute := func(context.Context) (int, error) {
		n := running.Add(1)
		for {
			m := most.Load()
			if n <= m || most.CompareAndSwap(m, n) {
				break
			}
		}
		time.Sleep(20 * time.Millisecond) // hold the slot while the others try
		running.Add(-1)
		return 0, nil
	}
	var wg sync.WaitGroup
	for _, k := range []string{"a", "b", "c"} {
		wg.Go(func() { _, _ = s.get(t.Context(), k, compute) })
	}
	wg.Wait()
	if most.Load() != 1 {
		t.Fatalf("%d computations ran at once, want 1", most.Load())
	}
}
