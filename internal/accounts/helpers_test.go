package accounts

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/beatsbyredis/beats/internal/redistest"
)

// testParams make hashing fast; production uses OWASPParams.
var testParams = Params{MemoryKiB: 64, Passes: 1, Lanes: 1}

// clock is a settable time for token expiry.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Now()} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// newTestService returns a Service on a fresh Redis Stack, with cheap
// hashing and the given clock.
func newTestService(t *testing.T, c *clock, o Options) (*Service, *redis.Client) {
	t.Helper()
	rdb := redistest.New(t)
	if o.Params == (Params{}) {
		o.Params = testParams
	}
	if c != nil {
		o.Now = c.Now
	}
	s, err := NewService(rdb, o)
	if err != nil {
		t.Fatal(err)
	}
	return s, rdb
}

// register registers a user or fails the test.
func register(t *testing.T, s *Service, name, password string) Session {
	t.Helper()
	sess, err := s.Register(context.Background(), "192.0.2.1", name, password)
	if err != nil {
		t.Fatalf("Register(%q): %v", name, err)
	}
	return sess
}
