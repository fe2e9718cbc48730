// Package retry waits between attempts: a context-aware sleep and a jittered
// exponential backoff, shared by everything that retries Redis or Bandcamp.
package retry

import (
	"context"
	"math/rand/v2"
	"time"
)

// Sleep waits for d or until ctx is done, whichever comes first; unlike
// time.Sleep it lets a cancelled caller go at once. It returns ctx's error
// if ctx ended.
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Backoff spaces out retries: doubling from Min up to Max, with jitter so
// that many instances restarting together do not retry in step. It is not
// safe for concurrent use; each retry loop has its own.
type Backoff struct {
	min, max time.Duration
	next     time.Duration
}

// NewBackoff returns a Backoff starting at min and capped at max.
func NewBackoff(min, max time.Duration) *Backoff {
	return &Backoff{min: min, max: max, next: min}
}

// Reset starts over after a success.
func (b *Backoff) Reset() { b.next = b.min }

// Wait sleeps for the next delay, between half and all of it; it returns
// ctx's error if ctx ends first.
func (b *Backoff) Wait(ctx context.Context) error {
	d := b.next/2 + rand.N(b.next/2+1)
	b.next = min(b.next*2, b.max)
	return Sleep(ctx, d)
}
