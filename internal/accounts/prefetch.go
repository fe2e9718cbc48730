package accounts

import (
	"context"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// Every request that needs a login reads its session document and then the
// account document the session names: two round trips to Redis, in series,
// because the session's id does not say which account it holds. To make it
// one, the session store remembers per session id the account its document
// named the last time (a hint), and FindCtx reads the session and the hinted
// account document in the same pipeline. Authenticate then checks the
// session against that copy, read in this very round trip.
//
// The hint is never trusted and is no login state: it only picks which key
// to read along. The account document used is always the one read for this
// request, and only when the session read with it names the same account;
// otherwise Authenticate reads the account as before. So logout, rotation,
// reuse detection and revocation take effect at once on every instance, as
// they did: an instance that has no hint (or a wrong one) costs one more
// round trip, nothing else.

// maxAccountHints bounds the hints kept (about 150 bytes each): far more
// sessions than one instance serves within their idle hour.
const maxAccountHints = 1 << 16

// accountHints maps session ids (as the store sees them: SHA-256 of the
// cookie, so no working cookie is held) to the account id their document
// named, and when this instance last wrote their lastSeen.
type accountHints struct {
	mu sync.Mutex
	m  map[string]hint
}

type hint struct {
	accountID string
	touched   time.Time
	deadline  time.Time // the session's deadline, once read
}

func (h *accountHints) get(sessionID string) (string, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	e, ok := h.m[sessionID]
	return e.accountID, ok
}

func (h *accountHints) set(sessionID, accountID string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.m == nil {
		h.m = make(map[string]hint)
	}
	e, ok := h.m[sessionID]
	if !ok && len(h.m) >= maxAccountHints {
		for k := range h.m { // drop any one: a lost hint costs one round trip
			delete(h.m, k)
			break
		}
	}
	e.accountID = accountID
	h.m[sessionID] = e
}

// touch reports whether a known session's lastSeen is due to be written
// at now (seenEvery after the last time), and if so counts it as written.
func (h *accountHints) touch(sessionID string, now time.Time) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	e, ok := h.m[sessionID]
	if !ok || now.Sub(e.touched) < seenEvery {
		return false
	}
	e.touched = now
	h.m[sessionID] = e
	return true
}

// deadline returns the session's deadline as last read, if known.
func (h *accountHints) deadline(sessionID string) (time.Time, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	e, ok := h.m[sessionID]
	return e.deadline, ok && !e.deadline.IsZero()
}

// setDeadline records a known session's deadline.
func (h *accountHints) setDeadline(sessionID string, d time.Time) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if e, ok := h.m[sessionID]; ok {
		e.deadline = d
		h.m[sessionID] = e
	}
}

func (h *accountHints) forget(sessionID string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.m, sessionID)
}

// prefetch is one request's account read that went with its session read.
type prefetch struct {
	hints     *accountHints
	sessionID string
	accountID string     // the hinted account; "" when nothing was read along
	account   *redis.Cmd // its JSON.GET, already answered
}

type prefetchKey struct{}

// WithAccountPrefetch lets the session load of ctx's request read the
// session's account document in the same round trip (see above), for
// Service.Authenticate. Wrap requests that check a login; ctx is returned
// as is when it allows it already.
func WithAccountPrefetch(ctx context.Context) context.Context {
	if prefetchFrom(ctx) != nil {
		return ctx
	}
	return context.WithValue(ctx, prefetchKey{}, &prefetch{})
}

func prefetchFrom(ctx context.Context) *prefetch {
	p, _ := ctx.Value(prefetchKey{}).(*prefetch)
	return p
}

// take returns the account document read along with the session when it is
// accountID's, once: a later check in the same request (after a refresh,
// say) reads Redis again.
func (p *prefetch) take(accountID string) (*redis.Cmd, bool) {
	if p == nil || p.account == nil || p.accountID != accountID {
		return nil, false
	}
	cmd := p.account
	p.account = nil
	return cmd, true
}

// learn records that the session loaded for this request names accountID,
// for its next request on this instance.
func (p *prefetch) learn(accountID string) {
	if p == nil || p.hints == nil || p.sessionID == "" || p.accountID == accountID {
		return
	}
	p.hints.set(p.sessionID, accountID)
}
