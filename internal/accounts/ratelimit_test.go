package accounts

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// wantWait checks that err is a *RateLimitError asking to wait about want.
func wantWait(t *testing.T, what string, err error, min, max time.Duration) {
	t.Helper()
	var rl *RateLimitError
	if !errors.As(err, &rl) || !errors.Is(err, ErrRateLimited) {
		t.Fatalf("%s: %v; want a *RateLimitError", what, err)
	}
	if rl.RetryAfter < min || rl.RetryAfter > max {
		t.Fatalf("%s: RetryAfter = %v; want %v to %v", what, rl.RetryAfter, min, max)
	}
}

func TestFailedLoginsAreLimited(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name   string
		n      int                // failed attempts that are allowed
		ip     func(i int) string // the address of the i-th attempt
		user   func(i int) string
		reason string
	}{
		{"per address and name", 10, func(int) string { return "192.0.2.7" }, func(int) string { return "alice" }, "one address guessing one name"},
		{"per address and folded name", 10, func(int) string { return "192.0.2.7" }, func(i int) string { return []string{"alice", "ALICE"}[i%2] }, "case does not dodge the limit"},
		{"per address", 30, func(int) string { return "192.0.2.7" }, func(i int) string { return fmt.Sprintf("name%d", i%5) }, "one address guessing many names"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := newTestService(t, nil, Options{})
			register(t, s, "alice", "correct horse")
			for i := range tt.n {
				if _, err := s.Login(ctx, login(tt.ip(i), tt.user(i), "wrong password")); !errors.Is(err, ErrInvalidCredentials) {
					t.Fatalf("attempt %d: %v; want ErrInvalidCredentials", i+1, err)
				}
			}
			_, err := s.Login(ctx, login(tt.ip(tt.n), "alice", "correct horse"))
			wantWait(t, fmt.Sprintf("attempt %d (%s)", tt.n+1, tt.reason), err, 14*time.Minute, 15*time.Minute)
			// Another address is not held back by this one's guessing.
			if _, err := s.Login(ctx, login("198.51.100.1", "alice", "correct horse")); err != nil {
				t.Fatalf("the owner from another address: %v", err)
			}
		})
	}
}

// TestNoLockoutByOthers: many addresses guessing one name slow the guessers
// down but never lock the owner out: the right password from an address
// that has not been failing logs in at once.
func TestNoLockoutByOthers(t *testing.T) {
	ctx := context.Background()
	s, _ := newTestService(t, nil, Options{})
	register(t, s, "alice", "correct horse")
	guesser := func(i int) string { return fmt.Sprintf("203.0.113.%d", i) }
	for i := range 100 {
		if _, err := s.Login(ctx, login(guesser(i), "alice", "wrong password")); !errors.Is(err, ErrInvalidCredentials) {
			t.Fatalf("guess %d from a fresh address: %v; want ErrInvalidCredentials", i+1, err)
		}
	}
	if _, err := s.Login(ctx, login("198.51.100.1", "alice", "correct horse")); err != nil {
		t.Fatalf("the owner after 100 guesses from 100 addresses: %v", err)
	}
	// The addresses that failed share one attempt per SlowGap on the name.
	if _, err := s.Login(ctx, login(guesser(0), "alice", "wrong password")); !errors.Is(err, ErrInvalidCredentials) {
		t.Fatalf("a guesser's second try, the first in its gap: %v; want ErrInvalidCredentials", err)
	}
	_, err := s.Login(ctx, login(guesser(1), "alice", "wrong password"))
	wantWait(t, "another guesser in the same gap", err, 29*time.Second, 30*time.Second)
	// Other names are not slowed, and neither is the owner.
	if _, err := s.Login(ctx, login(guesser(2), "bob", "wrong password")); !errors.Is(err, ErrInvalidCredentials) {
		t.Fatalf("a guesser on another name: %v; want ErrInvalidCredentials", err)
	}
	if _, err := s.Login(ctx, login("198.51.100.2", "alice", "correct horse")); err != nil {
		t.Fatalf("the owner from a second clean address: %v", err)
	}
}

func TestSuccessfulLoginsDoNotCount(t *testing.T) {
	ctx := context.Background()
	s, _ := newTestService(t, nil, Options{LoginLimits: LoginLimits{PerAddress: Limit{Max: 3, Window: time.Minute}, PerPair: 3, SlowAfter: 3, SlowGap: time.Minute}})
	register(t, s, "alice", "correct horse")
	for i := range 10 {
		if _, err := s.Login(ctx, login("192.0.2.1", "alice", "correct horse")); err != nil {
			t.Fatalf("login %d: %v", i+1, err)
		}
	}
}

func TestRegistrationsPerIPAreLimited(t *testing.T) {
	ctx := context.Background()
	s, _ := newTestService(t, nil, Options{RegisterLimit: Limit{Max: 3, Window: time.Hour}})
	for i, name := range []string{"user1", "user2", "user3"} {
		if _, err := s.Register(ctx, Attempt{IP: "192.0.2.1", Username: name, Password: "correct horse"}); err != nil {
			t.Fatalf("registration %d: %v", i+1, err)
		}
	}
	if _, err := s.Register(ctx, Attempt{IP: "192.0.2.1", Username: "user4", Password: "correct horse"}); !errors.Is(err, ErrRateLimited) {
		t.Fatalf("4th registration: %v; want ErrRateLimited", err)
	}
	if _, err := s.Register(ctx, Attempt{IP: "192.0.2.2", Username: "user4", Password: "correct horse"}); err != nil {
		t.Fatalf("registration from another address: %v", err)
	}
}

func TestLimiterHoldsUnderConcurrency(t *testing.T) {
	ctx := context.Background()
	s, _ := newTestService(t, nil, Options{})
	lim := Limit{Max: 10, Window: time.Minute}
	var allowed atomic.Int32
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			err := s.limiter.take(ctx, lim, "ratelimit:test:a", "ratelimit:test:b")
			switch {
			case err == nil:
				allowed.Add(1)
			case !errors.Is(err, ErrRateLimited):
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if allowed.Load() != 10 {
		t.Fatalf("%d of 50 parallel attempts allowed; want 10", allowed.Load())
	}
	if err := s.limiter.refund(ctx, "ratelimit:test:a", "ratelimit:test:b"); err != nil {
		t.Fatal(err)
	}
	if err := s.limiter.take(ctx, lim, "ratelimit:test:a", "ratelimit:test:b"); err != nil {
		t.Fatalf("take after a refund: %v", err)
	}
}
