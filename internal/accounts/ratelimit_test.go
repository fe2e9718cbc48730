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

func TestFailedLoginsAreLimited(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name   string
		ip     func(i int) string // the address of the i-th attempt
		user   func(i int) string
		reason string
	}{
		{"per IP", func(int) string { return "192.0.2.7" }, func(i int) string { return []string{"alice", "bob", "carol"}[i%3] }, "one address guessing many names"},
		{"per username", func(i int) string { return fmt.Sprintf("192.0.2.%d", i+10) }, func(int) string { return "alice" }, "many addresses guessing one name"},
		{"per folded username", func(i int) string { return fmt.Sprintf("192.0.2.%d", i+10) }, func(i int) string { return []string{"alice", "ALICE"}[i%2] }, "case does not dodge the limit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := newTestService(t, nil, Options{})
			register(t, s, "alice", "correct horse")
			for i := range 10 {
				if _, err := s.Login(ctx, tt.ip(i), tt.user(i), "wrong password"); !errors.Is(err, ErrInvalidCredentials) {
					t.Fatalf("attempt %d: %v; want ErrInvalidCredentials", i+1, err)
				}
			}
			_, err := s.Login(ctx, tt.ip(10), tt.user(10), "correct horse")
			var rl *RateLimitError
			if !errors.As(err, &rl) || !errors.Is(err, ErrRateLimited) {
				t.Fatalf("11th attempt (%s): %v; want a *RateLimitError", tt.reason, err)
			}
			if rl.RetryAfter <= 14*time.Minute || rl.RetryAfter > 15*time.Minute {
				t.Fatalf("RetryAfter = %v; want about 15 minutes", rl.RetryAfter)
			}
		})
	}
}

func TestSuccessfulLoginsDoNotCount(t *testing.T) {
	ctx := context.Background()
	s, _ := newTestService(t, nil, Options{LoginLimit: Limit{Max: 3, Window: time.Minute}})
	register(t, s, "alice", "correct horse")
	for i := range 10 {
		if _, err := s.Login(ctx, "192.0.2.1", "alice", "correct horse"); err != nil {
			t.Fatalf("login %d: %v", i+1, err)
		}
	}
}

func TestRegistrationsPerIPAreLimited(t *testing.T) {
	ctx := context.Background()
	s, _ := newTestService(t, nil, Options{RegisterLimit: Limit{Max: 3, Window: time.Hour}})
	for i, name := range []string{"user1", "user2", "user3"} {
		if _, err := s.Register(ctx, "192.0.2.1", name, "correct horse"); err != nil {
			t.Fatalf("registration %d: %v", i+1, err)
		}
	}
	if _, err := s.Register(ctx, "192.0.2.1", "user4", "correct horse"); !errors.Is(err, ErrRateLimited) {
		t.Fatalf("4th registration: %v; want ErrRateLimited", err)
	}
	if _, err := s.Register(ctx, "192.0.2.2", "user4", "correct horse"); err != nil {
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
