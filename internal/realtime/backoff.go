package realtime

import (
	"context"
	"math/rand/v2"
	"time"
)

// backoff spaces out retries against Redis: doubling from min up to max,
// with jitter so that many instances restarting together do not retry in
// step.
type backoff struct {
	min, max time.Duration
	next     time.Duration
}

func newBackoff(min, max time.Duration) *backoff {
	return &backoff{min: min, max: max, next: min}
}

// reset starts over after a success.
func (b *backoff) reset() { b.next = b.min }

// wait sleeps for the next delay; it returns ctx's error if ctx ends first.
func (b *backoff) wait(ctx context.Context) error {
	d := b.next/2 + rand.N(b.next/2+1) // between half and all of next
	b.next = min(b.next*2, b.max)
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
