package accounts

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/beatsbyredis/beats/internal/testclock"
)

func TestAccountDocument(t *testing.T) {
	ctx := context.Background()
	c := testclock.New()
	s, rdb := newTestService(t, c, Options{})
	sess := register(t, s, "alice", "correct horse")
	key := AccountKey(sess.Tokens.AccountID)

	raw, err := rdb.Do(ctx, "JSON.GET", key).Text()
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(raw), &doc); err != nil {
		t.Fatal(err)
	}
	now := float64(c.Now().UnixMilli()) / 1000
	if doc["userId"] != sess.User.ID {
		t.Errorf("userId = %v; want %s", doc["userId"], sess.User.ID)
	}
	for field, want := range map[string]float64{"tokenExpiresOn": now + 3600, "refreshExpiresOn": now + 12*3600} {
		if got, ok := doc[field].(float64); !ok || got < want-0.002 || got > want+0.002 {
			t.Errorf("%s = %v; want %.3f", field, doc[field], want)
		}
		// RedisJSON tells floats ("number") from integers.
		typ, err := rdb.Do(ctx, "JSON.TYPE", key, "$."+field).Slice()
		if err != nil || fmt.Sprint(typ) != "[number]" {
			t.Errorf("JSON.TYPE %s = %v, %v; want [number]", field, typ, err)
		}
	}
	for _, field := range []string{"tokenHash", "refreshHash"} {
		if h, _ := doc[field].(string); len(h) != 44 {
			t.Errorf("%s = %v; want a base64 SHA-256", field, doc[field])
		}
	}
	if strings.Contains(raw, sess.Tokens.Token) || strings.Contains(raw, sess.Tokens.Refresh) {
		t.Error("account document holds a token itself")
	}
	ttl, err := rdb.TTL(ctx, key).Result()
	if err != nil || ttl < 12*time.Hour-time.Minute || ttl > 12*time.Hour {
		t.Errorf("TTL = %v, %v; want 12 hours, a login's lifetime without Keep me signed in", ttl, err)
	}
	if len(sess.Tokens.Token) != 44 || sess.Tokens.Token == sess.Tokens.Refresh {
		t.Errorf("tokens %q, %q; want 256-bit base64", sess.Tokens.Token, sess.Tokens.Refresh)
	}
}

func TestAuthenticate(t *testing.T) {
	ctx := context.Background()
	c := testclock.New()
	s, rdb := newTestService(t, c, Options{})
	sess := register(t, s, "alice", "correct horse")

	got, err := s.Authenticate(ctx, sess)
	if err != nil || got != sess {
		t.Fatalf("Authenticate fresh = %+v, %v; want unchanged", got, err)
	}
	forged := sess
	forged.Tokens.Token = newToken()
	forged.Tokens.Refresh = newToken()
	if _, err := s.Authenticate(ctx, forged); !errors.Is(err, ErrUnauthenticated) {
		t.Fatalf("Authenticate forged tokens: %v; want ErrUnauthenticated", err)
	}
	// A forged refresh token revoked the family, as any reuse does.
	if n, _ := rdb.Exists(ctx, AccountKey(sess.Tokens.AccountID)).Result(); n != 0 {
		t.Fatal("account survived a forged refresh token")
	}

	sess, _ = s.Login(ctx, login("192.0.2.1", "alice", "correct horse"))
	other := sess
	other.User.ID = "01ARZ3NDEKTSV4RRFFQ69G5FAV"
	if _, err := s.Authenticate(ctx, other); !errors.Is(err, ErrUnauthenticated) {
		t.Fatalf("Authenticate with another user's account: %v; want ErrUnauthenticated", err)
	}

	// An hour later the access token has expired and is refreshed.
	c.Advance(AccessTTL + time.Second)
	fresh, err := s.Authenticate(ctx, sess)
	if err != nil {
		t.Fatal(err)
	}
	if fresh.Tokens.Token == sess.Tokens.Token || fresh.Tokens.Refresh == sess.Tokens.Refresh ||
		fresh.Tokens.AccountID != sess.Tokens.AccountID || !fresh.Tokens.TokenExpiresOn.After(c.Now()) ||
		!fresh.Tokens.RefreshExpiresOn.Equal(sess.Tokens.RefreshExpiresOn) {
		t.Fatalf("refreshed %+v from %+v", fresh.Tokens, sess.Tokens)
	}
	if got, err := s.Authenticate(ctx, fresh); err != nil || got != fresh {
		t.Fatalf("Authenticate refreshed = %+v, %v", got, err)
	}
	// A request that started before the refresh still passes, briefly.
	if _, err := s.Authenticate(ctx, sess); err != nil {
		t.Fatalf("Authenticate replaced pair within the grace: %v", err)
	}

	if err := s.Logout(ctx, fresh); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Authenticate(ctx, fresh); !errors.Is(err, ErrUnauthenticated) {
		t.Fatalf("Authenticate after logout: %v; want ErrUnauthenticated", err)
	}
}

func TestRefreshReuseRevokes(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name    string
		wait    time.Duration // between the refresh and the reuse
		revoked bool
	}{
		{"reuse within the grace is a concurrent request", time.Second, false},
		{"reuse after the grace is a stolen token", refreshGrace + time.Second, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := testclock.New()
			s, rdb := newTestService(t, c, Options{})
			first := register(t, s, "alice", "correct horse")
			second, err := s.Refresh(ctx, first)
			if err != nil {
				t.Fatal(err)
			}
			if second.Tokens == first.Tokens {
				t.Fatal("Refresh returned the same pair")
			}
			c.Advance(tt.wait)
			again, err := s.Refresh(ctx, first)
			if tt.revoked {
				if !errors.Is(err, ErrTokenReused) || !errors.Is(err, ErrUnauthenticated) {
					t.Fatalf("reuse: %v; want ErrTokenReused", err)
				}
				if _, err := s.Authenticate(ctx, second); !errors.Is(err, ErrUnauthenticated) {
					t.Fatalf("Authenticate newest pair after reuse: %v; want ErrUnauthenticated", err)
				}
				if n, _ := rdb.Exists(ctx, AccountKey(first.Tokens.AccountID)).Result(); n != 0 {
					t.Fatal("account document survived reuse")
				}
				return
			}
			if err != nil || again != first {
				t.Fatalf("reuse within grace = %+v, %v; want the old pair unchanged", again, err)
			}
			if _, err := s.Authenticate(ctx, second); err != nil {
				t.Fatalf("Authenticate newest pair: %v", err)
			}
		})
	}
}

func TestConcurrentRefreshesRotateOnce(t *testing.T) {
	ctx := context.Background()
	s, _ := newTestService(t, testclock.New(), Options{})
	sess := register(t, s, "alice", "correct horse")
	const n = 10
	got := make([]Session, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { got[i], errs[i] = s.Refresh(ctx, sess) })
	}
	wg.Wait()
	rotated := 0
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("Refresh %d: %v", i, errs[i])
		}
		if got[i] != sess {
			rotated++
		}
	}
	if rotated != 1 {
		t.Fatalf("%d refreshes rotated; want 1 (the others find it just done)", rotated)
	}
}
