// Package testclock is a settable clock for tests that need time to pass
// (tokens to expire) without waiting for it.
package testclock

import (
	"sync"
	"time"
)

// Clock is safe for concurrent use; its Now is what code under test calls.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// New returns a clock that starts at the real time now.
func New() *Clock { return &Clock{t: time.Now()} }

// Now is the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}
