package accounts

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/redis/go-redis/v9"
)

//go:embed session_commit.lua
var sessionCommitLua string

var sessionCommitScript = redis.NewScript(sessionCommitLua)

// seenEvery is how often a session's lastSeen is written (by each instance
// that serves it): often enough for the sessions list, rarely enough to
// cost nothing.
const seenEvery = time.Minute

// SessionStore is an scs store keeping each session as the RedisJSON
// document session:<id>, which expires with the session.
type SessionStore struct {
	rdb   redis.UniversalClient
	hints *accountHints // which account to read along with a session (prefetch.go)
	now   func() time.Time
}

var _ scs.CtxStore = (*SessionStore)(nil)

// NewSessionStore returns a store over rdb.
func NewSessionStore(rdb redis.UniversalClient) *SessionStore {
	return &SessionStore{rdb: rdb, hints: &accountHints{}, now: time.Now}
}

// sessionEnds is the part of a session document the store reads itself.
type sessionEnds struct {
	Deadline string `json:"deadline"`
	UserID   string `json:"userId"`
	Account  string `json:"accountId"`
}

// FindCtx returns the session document; found is false once it expired,
// idle for an hour or past its deadline. Reading a session is using it, so
// the same round trip renews its idle hour (the contract's TTL of 3600 s)
// and, once a minute, its lastSeen. When ctx allows it (WithAccountPrefetch)
// and the session's account is known, the account document is read in the
// same round trip too, for Service.Authenticate.
func (s *SessionStore) FindCtx(ctx context.Context, id string) ([]byte, bool, error) {
	key := SessionPrefix + id
	now := s.now()
	pipe := s.rdb.Pipeline()
	get := pipe.Do(ctx, "JSON.GET", key)
	// Renew the idle hour, but never past the deadline when this instance
	// knows it already.
	known, hasDeadline := s.hints.deadline(id)
	capped := hasDeadline && known.Before(now.Add(SessionIdle))
	if capped {
		pipe.PExpireAt(ctx, key, known)
	} else {
		pipe.PExpire(ctx, key, SessionIdle)
	}
	if s.hints.touch(id, now) {
		pipe.Do(ctx, "JSON.SET", key, "$."+fieldLastSeen, `"`+isoTime(now)+`"`, "XX")
	}
	p := prefetchFrom(ctx)
	if p != nil {
		p.hints, p.sessionID = s.hints, id
		if accountID, ok := s.hints.get(id); ok {
			p.accountID, p.account = accountID, pipe.Do(ctx, "JSON.GET", AccountKey(accountID))
		}
	}
	_, _ = pipe.Exec(ctx) // each command's error is read below
	raw, err := get.Text()
	if errors.Is(err, redis.Nil) {
		s.hints.forget(id)
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("accounts: find session: %w", err)
	}
	// The idle hour must not carry the session past its deadline: in its
	// last hour the key expires at the deadline (a second round trip only
	// when this instance did not know the deadline yet), and past it the
	// session is gone.
	var ends sessionEnds
	_ = json.Unmarshal([]byte(raw), &ends)
	if deadline, err := time.Parse(isoLayout, ends.Deadline); err == nil {
		s.hints.setDeadline(id, deadline)
		if !now.Before(deadline) {
			return nil, false, s.DeleteCtx(ctx, id)
		}
		if !capped && deadline.Before(now.Add(SessionIdle)) {
			if err := s.rdb.PExpireAt(ctx, key, deadline).Err(); err != nil {
				return nil, false, fmt.Errorf("accounts: find session: %w", err)
			}
		}
	}
	return []byte(raw), true, nil
}

// CommitCtx writes the session document to expire after an idle hour, or
// at expiry (the end of its lifetime) if that comes first.
func (s *SessionStore) CommitCtx(ctx context.Context, id string, doc []byte, expiry time.Time) error {
	if idle := s.now().Add(SessionIdle); idle.Before(expiry) {
		expiry = idle
	}
	keys := []string{SessionPrefix + id}
	var ends sessionEnds
	if err := json.Unmarshal(doc, &ends); err == nil && ends.UserID != "" && ends.Account != "" {
		keys = append(keys, loginsKey(ends.UserID))
	}
	err := sessionCommitScript.Run(ctx, s.rdb, keys, doc, expiry.UnixMilli(), id, ends.Account).Err()
	if err != nil {
		return fmt.Errorf("accounts: save session: %w", err)
	}
	return nil
}

// DeleteCtx removes the session document.
func (s *SessionStore) DeleteCtx(ctx context.Context, id string) error {
	s.hints.forget(id)
	if err := s.rdb.Del(ctx, SessionPrefix+id).Err(); err != nil {
		return fmt.Errorf("accounts: delete session: %w", err)
	}
	return nil
}

// Find, Commit and Delete are the context-free forms scs.Store requires;
// scs calls the Ctx forms.

func (s *SessionStore) Find(id string) ([]byte, bool, error) {
	return s.FindCtx(context.Background(), id)
}

func (s *SessionStore) Commit(id string, doc []byte, expiry time.Time) error {
	return s.CommitCtx(context.Background(), id, doc, expiry)
}

func (s *SessionStore) Delete(id string) error { return s.DeleteCtx(context.Background(), id) }
