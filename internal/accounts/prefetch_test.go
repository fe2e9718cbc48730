package accounts

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/beatsbyredis/beats/internal/redistest"
)

// instance is one app instance's view of the shared Redis: its own session
// store (with its own hints) and accounts service.
type instance struct {
	sm  *scs.SessionManager
	svc *Service
}

// check is one request of the cookie's session on in: load (with the
// account read along), then Authenticate, as httpapi does.
func (in instance) check(ctx context.Context, cookie string) error {
	rctx, err := in.sm.Load(WithAccountPrefetch(ctx), cookie)
	if err != nil {
		return err
	}
	sess, ok := SessionFrom(rctx, in.sm)
	if !ok {
		return ErrUnauthenticated
	}
	_, err = in.svc.Authenticate(rctx, sess)
	return err
}

// TestAccountReadAlongWithTheSession: once an instance has seen a session,
// its next check is one round trip; whatever another instance changed in
// between (logout, revocation, reuse, a refresh) takes effect at once.
func TestAccountReadAlongWithTheSession(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name    string
		between func(t *testing.T, other instance, sess Session, cookie string)
		wantErr error // nil: the second check passes
	}{
		{"nothing changed", func(*testing.T, instance, Session, string) {}, nil},
		{"logged out elsewhere", func(t *testing.T, other instance, sess Session, cookie string) {
			rctx, err := other.sm.Load(ctx, cookie)
			if err == nil {
				err = other.svc.Logout(rctx, sess)
			}
			if err == nil {
				err = other.sm.Destroy(rctx)
			}
			if err != nil {
				t.Fatal(err)
			}
		}, ErrUnauthenticated},
		{"tokens revoked elsewhere", func(t *testing.T, other instance, sess Session, _ string) {
			if err := other.svc.Logout(ctx, sess); err != nil {
				t.Fatal(err)
			}
		}, ErrUnauthenticated},
		{"refresh token reused elsewhere", func(t *testing.T, other instance, sess Session, _ string) {
			if _, err := other.svc.Refresh(ctx, sess); err != nil {
				t.Fatal(err)
			}
			// The session still holds the replaced pair; presenting its
			// refresh token again after the grace is reuse, and revokes.
			other.svc.now = func() time.Time { return time.Now().Add(refreshGrace + time.Second) }
			if _, err := other.svc.Refresh(ctx, sess); !errors.Is(err, ErrTokenReused) {
				t.Fatalf("reuse: %v", err)
			}
		}, ErrUnauthenticated},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svc, rdb := newTestService(t, nil, Options{})
			trips := &redistest.RoundTrips{}
			rdb.AddHook(trips)
			other, err := NewService(rdb, Options{Params: testParams})
			if err != nil {
				t.Fatal(err)
			}
			here := instance{NewSessionManager(rdb, false), svc}
			there := instance{NewSessionManager(rdb, false), other}

			sess := register(t, svc, "alice", "correct horse")
			cookie := commitLogin(t, here.sm, sess)

			for i, want := range []int64{2, 1} { // unknown session, then known
				before := trips.Count()
				if err := here.check(ctx, cookie); err != nil {
					t.Fatalf("check %d: %v", i+1, err)
				}
				if got := trips.Count() - before; got != want {
					t.Fatalf("check %d took %d round trips; want %d", i+1, got, want)
				}
			}
			tt.between(t, there, sess, cookie)
			err = here.check(ctx, cookie)
			if tt.wantErr == nil && err != nil || tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Fatalf("check after %s: %v; want %v", tt.name, err, tt.wantErr)
			}
		})
	}
}

// TestWrongHintIsNotUsed: a hint naming another account (however it came
// about) only costs the read of the right one.
func TestWrongHintIsNotUsed(t *testing.T) {
	ctx := context.Background()
	svc, rdb := newTestService(t, nil, Options{})
	sm := NewSessionManager(rdb, false)
	alice := register(t, svc, "alice", "correct horse")
	bob := register(t, svc, "bob", "battery staple")
	cookie := commitLogin(t, sm, alice)
	keys, err := rdb.Keys(ctx, SessionPrefix+"*").Result()
	if err != nil || len(keys) != 1 {
		t.Fatalf("session keys %v, %v", keys, err)
	}
	id := keys[0][len(SessionPrefix):]
	store := sm.Store.(*SessionStore)
	store.hints.set(id, bob.Tokens.AccountID)

	in := instance{sm, svc}
	if err := in.check(ctx, cookie); err != nil {
		t.Fatalf("check with a wrong hint: %v", err)
	}
	if got, _ := store.hints.get(id); got != alice.Tokens.AccountID {
		t.Fatalf("hint after the check = %q; want alice's account %q", got, alice.Tokens.AccountID)
	}
	if err := svc.Logout(ctx, alice); err != nil {
		t.Fatal(err)
	}
	if err := in.check(ctx, cookie); !errors.Is(err, ErrUnauthenticated) {
		t.Fatalf("check after logout: %v; want ErrUnauthenticated", err)
	}
}
