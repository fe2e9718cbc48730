package accounts

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/redis/go-redis/v9"

	"github.com/beatsbyredis/beats/internal/testclock"
)

// commitLogin stores a new login in a fresh session of sm, as the login
// route does, and returns its cookie.
func commitLogin(t *testing.T, sm *scs.SessionManager, sess Session) string {
	t.Helper()
	rctx, err := sm.Load(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	PutLogin(rctx, sm, sess)
	cookie, _, err := sm.Commit(rctx)
	if err != nil {
		t.Fatal(err)
	}
	return cookie
}

// ended collects the login ids published on EndedChannel.
func ended(t *testing.T, rdb *redis.Client) func() []string {
	t.Helper()
	sub := rdb.Subscribe(context.Background(), EndedChannel)
	if _, err := sub.Receive(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sub.Close() })
	return func() []string {
		var ids []string
		for {
			msg, err := sub.ReceiveTimeout(context.Background(), 100*time.Millisecond)
			if err != nil {
				slices.Sort(ids)
				return ids
			}
			if m, ok := msg.(*redis.Message); ok {
				ids = append(ids, strings.Fields(m.Payload)...)
			}
		}
	}
}

func TestChangePassword(t *testing.T) {
	ctx := context.Background()
	s, rdb := newTestService(t, nil, Options{})
	sm := NewSessionManager(rdb, false)
	here := register(t, s, "alice", "correct horse")
	var others []Session
	for _, ip := range []string{"192.0.2.2", "192.0.2.3"} {
		sess, err := s.Login(ctx, login(ip, "alice", "correct horse"))
		if err != nil {
			t.Fatal(err)
		}
		commitLogin(t, sm, sess)
		others = append(others, sess)
	}
	bob := register(t, s, "bob", "battery staple")
	published := ended(t, rdb)

	if _, err := s.ChangePassword(ctx, here, "192.0.2.1", "wrong horse", "a brand new passphrase"); !errors.Is(err, ErrWrongPassword) || errors.Is(err, ErrInvalidCredentials) {
		t.Fatalf("wrong current password: %v; want ErrWrongPassword (not a failed login)", err)
	}
	if _, err := s.ChangePassword(ctx, here, "192.0.2.1", "correct horse", "password1234"); !errors.Is(err, ErrInvalidInput) {
		t.Fatalf("a common new password: %v; want ErrInvalidInput", err)
	}
	fresh, err := s.ChangePassword(ctx, here, "192.0.2.1", "correct horse", "a brand new passphrase")
	if err != nil {
		t.Fatal(err)
	}
	if fresh.Tokens.AccountID != here.Tokens.AccountID || fresh.Tokens.Token == here.Tokens.Token || fresh.Tokens.Refresh == here.Tokens.Refresh {
		t.Fatalf("tokens after the change %+v; want a new pair of the same login", fresh.Tokens)
	}
	if _, err := s.Authenticate(ctx, fresh); err != nil {
		t.Fatalf("this session with its new tokens: %v", err)
	}
	for i, o := range others {
		if _, err := s.Authenticate(ctx, o); !errors.Is(err, ErrUnauthenticated) {
			t.Fatalf("other session %d: %v; want ended", i, err)
		}
	}
	if _, err := s.Authenticate(ctx, bob); err != nil {
		t.Fatalf("another user's session: %v", err)
	}
	want := []string{others[0].Tokens.AccountID, others[1].Tokens.AccountID}
	slices.Sort(want)
	if got := published(); !slices.Equal(got, want) {
		t.Fatalf("published %v; want the other sessions %v", got, want)
	}
	if keys := rdb.Keys(ctx, SessionPrefix+"*").Val(); len(keys) != 0 {
		t.Fatalf("session documents %v survived the change", keys)
	}
	if _, err := s.Login(ctx, login("192.0.2.1", "alice", "correct horse")); !errors.Is(err, ErrInvalidCredentials) {
		t.Fatalf("login with the old password: %v", err)
	}
	if _, err := s.Login(ctx, login("192.0.2.1", "alice", "a brand new passphrase")); err != nil {
		t.Fatalf("login with the new password: %v", err)
	}
}

func TestSessionsListAndEnd(t *testing.T) {
	ctx := context.Background()
	clock := testclock.New()
	s, rdb := newTestService(t, clock, Options{RememberFor: 7 * 24 * time.Hour})
	sm := NewSessionManager(rdb, false)
	here, err := s.Login(ctx, login("192.0.2.1", "nobody", "x")) // no such user yet
	if !errors.Is(err, ErrInvalidCredentials) {
		t.Fatal(err)
	}
	here = register(t, s, "alice", "correct horse")
	commitLogin(t, sm, here)
	clock.Advance(time.Minute)
	phone, err := s.Login(ctx, Attempt{IP: "2001:db8::/64", Username: "alice", Password: "correct horse", Remember: true, UserAgent: "Phone " + strings.Repeat("x", 300)})
	if err != nil {
		t.Fatal(err)
	}
	commitLogin(t, sm, phone)
	bob := register(t, s, "bob", "battery staple")
	commitLogin(t, sm, bob)

	list, err := s.Sessions(ctx, here)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].ID != phone.Tokens.AccountID || list[1].ID != here.Tokens.AccountID {
		t.Fatalf("sessions %+v; want the phone's, then this one", list)
	}
	p := list[0]
	if !p.Remember || p.Current || p.Address != "2001:db8::/64" || len(p.UserAgent) != maxUserAgent || !strings.HasPrefix(p.UserAgent, "Phone ") ||
		!p.Created.Equal(phone.Since) || !p.LastSeen.Equal(phone.Since) || !p.Expires.Equal(phone.Tokens.RefreshExpiresOn) {
		t.Fatalf("phone session %+v", p)
	}
	if !list[1].Current || list[1].Remember || !list[1].Expires.Equal(here.Since.Add(LoginLifetime)) {
		t.Fatalf("this session %+v", list[1])
	}
	if got := phone.Tokens.RefreshExpiresOn.Sub(phone.Since); got != 7*24*time.Hour {
		t.Fatalf("a remembered login lasts %v; want --remember-for", got)
	}

	published := ended(t, rdb)
	if err := s.EndSession(ctx, here, "192.0.2.1", "wrong horse", phone.Tokens.AccountID); !errors.Is(err, ErrWrongPassword) {
		t.Fatalf("EndSession with a wrong password: %v", err)
	}
	if err := s.EndSession(ctx, here, "192.0.2.1", "correct horse", bob.Tokens.AccountID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("EndSession of another user's session: %v; want ErrNotFound", err)
	}
	if _, err := s.Authenticate(ctx, bob); err != nil {
		t.Fatalf("bob after alice tried to end his session: %v", err)
	}
	if err := s.EndSession(ctx, here, "192.0.2.1", "correct horse", phone.Tokens.AccountID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Authenticate(ctx, phone); !errors.Is(err, ErrUnauthenticated) {
		t.Fatalf("the ended session: %v", err)
	}
	if list, _ := s.Sessions(ctx, here); len(list) != 1 || !list[0].Current {
		t.Fatalf("sessions after ending one: %+v", list)
	}

	if err := s.LogoutAll(ctx, here, "192.0.2.1", "correct horse"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Authenticate(ctx, here); !errors.Is(err, ErrUnauthenticated) {
		t.Fatalf("this session after LogoutAll: %v", err)
	}
	if got, want := published(), []string{here.Tokens.AccountID, phone.Tokens.AccountID}; !slices.Equal(got, sorted(want)) {
		t.Fatalf("published %v; want %v", got, want)
	}
	if keys := rdb.Keys(ctx, SessionPrefix+"*").Val(); len(keys) != 1 {
		t.Fatalf("session documents %v; want only bob's", keys)
	}
}

// A session that expired on its own leaves the list when it is read.
func TestExpiredSessionsLeaveTheList(t *testing.T) {
	ctx := context.Background()
	s, rdb := newTestService(t, nil, Options{})
	sm := NewSessionManager(rdb, false)
	here := register(t, s, "alice", "correct horse")
	commitLogin(t, sm, here)
	gone, err := s.Login(ctx, login("192.0.2.2", "alice", "correct horse"))
	if err != nil {
		t.Fatal(err)
	}
	commitLogin(t, sm, gone)
	sid := rdb.HGet(ctx, loginsKey(here.User.ID), gone.Tokens.AccountID).Val()
	if sid == "" {
		t.Fatal("the session store did not list the session")
	}
	rdb.Del(ctx, SessionPrefix+sid) // an idle hour passed
	if list, err := s.Sessions(ctx, here); err != nil || len(list) != 1 || list[0].ID != here.Tokens.AccountID {
		t.Fatalf("sessions = %+v, %v; want this one only", list, err)
	}
	if rdb.HExists(ctx, loginsKey(here.User.ID), gone.Tokens.AccountID).Val() {
		t.Fatal("the expired session stayed in the list")
	}
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

// Logins started before the list of logins existed are listed at start-up,
// so a password change ends them too.
func TestOlderLoginsAreListed(t *testing.T) {
	ctx := context.Background()
	s, rdb := newTestService(t, nil, Options{})
	here := register(t, s, "alice", "correct horse")
	old, err := s.Login(ctx, login("192.0.2.2", "alice", "correct horse"))
	if err != nil {
		t.Fatal(err)
	}
	rdb.HDel(ctx, loginsKey(here.User.ID), old.Tokens.AccountID) // as an older version left it
	if err := s.Prepare(ctx); err != nil {
		t.Fatal(err)
	}
	if !rdb.HExists(ctx, loginsKey(here.User.ID), old.Tokens.AccountID).Val() {
		t.Fatal("Prepare did not list the older login")
	}
	if _, err := s.ChangePassword(ctx, here, "192.0.2.1", "correct horse", "a brand new passphrase"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Authenticate(ctx, old); !errors.Is(err, ErrUnauthenticated) {
		t.Fatalf("the older login after a password change: %v; want ended", err)
	}
}
