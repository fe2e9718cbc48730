package accounts

import (
	"context"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/beatsbyredis/beats/internal/redistest"
	"github.com/beatsbyredis/beats/internal/testclock"
)

// testParams make hashing fast; production uses OWASPParams.
var testParams = Params{MemoryKiB: 64, Passes: 1, Lanes: 1}

// newTestService returns a Service on a fresh Redis Stack, with cheap
// hashing and the given clock.
func newTestService(t *testing.T, c *testclock.Clock, o Options) (*Service, *redis.Client) {
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
	sess, err := s.Register(context.Background(), Attempt{IP: "192.0.2.1", Username: name, Password: password})
	if err != nil {
		t.Fatalf("Register(%q): %v", name, err)
	}
	return sess
}

// login is Attempt for a login of name with password from ip.
func login(ip, name, password string) Attempt {
	return Attempt{IP: ip, Username: name, Password: password}
}
