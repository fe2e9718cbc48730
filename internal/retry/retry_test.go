package retry

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestSleepReturnsAtOnceWhenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	start := time.Now()
	if err := Sleep(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Fatalf("Sleep = %v, want context.Canceled", err)
	}
	if took := time.Since(start); took > time.Second {
		t.Fatalf("a cancelled Sleep took %v", took)
	}
	if err := Sleep(context.Background(), time.Millisecond); err != nil {
		t.Fatalf("Sleep = %v", err)
	}
}

func TestBackoffDoublesUpToMaxAndResets(t *testing.T) {
	b := NewBackoff(time.Millisecond, 4*time.Millisecond)
	var nexts []time.Duration
	for range 4 {
		if err := b.Wait(context.Background()); err != nil {
			t.Fatal(err)
		}
		nexts = append(nexts, b.next)
	}
	want := []time.Duration{2 * time.Millisecond, 4 * time.Millisecond, 4 * time.Millisecond, 4 * time.Millisecond}
	for i := range want {
		if nexts[i] != want[i] {
			t.Fatalf("delays after each wait = %v, want %v", nexts, want)
		}
	}
	b.Reset()
	if b.next != time.Millisecond {
		t.Fatalf("after Reset next = %v", b.next)
	}
}
