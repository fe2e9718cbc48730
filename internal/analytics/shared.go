package analytics

import (
	"context"
	"sync"
	"time"
)

// shared computes each answer once for everyone who asks while it is being
// computed (like golang.org/x/sync/singleflight) and keeps it for ttl, so a
// dashboard's panels, sixteen users polling the map, or a burst of reloads
// cost Redis one computation. At most `slots` computations run at once, so
// the analytics never hold more than that many of the Redis pool's
// connections: the pipeline and the WebSockets always find theirs. The
// slots may be shared with other caches.
type shared[V any] struct {
	ttl     time.Duration
	timeout time.Duration // of one computation, whoever waits for it
	slots   chan struct{}
	now     func() time.Time

	mu      sync.Mutex
	entries map[string]*entry[V]
}

type entry[V any] struct {
	done  chan struct{} // closed when val and err are set
	val   V
	err   error
	until time.Time // fresh until then (set when done)
}

// maxEntries bounds the cache; ranges are chosen by clients, so keys are
// unbounded in number, and expired ones are swept when it fills.
const maxEntries = 1024

func newShared[V any](ttl, timeout time.Duration, slots chan struct{}, now func() time.Time) *shared[V] {
	return &shared[V]{ttl: ttl, timeout: timeout, slots: slots, now: now, entries: map[string]*entry[V]{}}
}

// get answers key from the cache, from a computation in flight, or by
// starting compute. The computation runs apart from the caller: a caller
// that gives up (its context ends) leaves it to finish for the others, and
// only the computation's own timeout ends it. Errors are not kept.
func (s *shared[V]) get(ctx context.Context, key string, compute func(context.Context) (V, error)) (V, error) {
	s.mu.Lock()
	e, ok := s.entries[key]
	if ok && isDone(e.done) && (e.err != nil || !s.now().Before(e.until)) {
		ok = false // stale: compute again
	}
	if !ok {
		e = &entry[V]{done: make(chan struct{})}
		s.sweep()
		s.entries[key] = e
		go s.run(context.WithoutCancel(ctx), key, e, compute)
	}
	s.mu.Unlock()
	select {
	case <-e.done:
		return e.val, e.err
	case <-ctx.Done():
		var zero V
		return zero, ctx.Err()
	}
}

func (s *shared[V]) run(ctx context.Context, key string, e *entry[V], compute func(context.Context) (V, error)) {
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	select {
	case s.slots <- struct{}{}:
		e.val, e.err = compute(ctx)
		<-s.slots
	case <-ctx.Done():
		e.err = ctx.Err()
	}
	s.mu.Lock()
	e.until = s.now().Add(s.ttl)
	if e.err != nil && s.entries[key] == e {
		delete(s.entries, key)
	}
	s.mu.Unlock()
	close(e.done)
}

// sweep drops expired entries once the cache is full; if none has expired,
// it drops finished ones. Called with mu held.
func (s *shared[V]) sweep() {
	if len(s.entries) < maxEntries {
		return
	}
	now := s.now()
	for k, e := range s.entries {
		if isDone(e.done) && !now.Before(e.until) {
			delete(s.entries, k)
		}
	}
	for k, e := range s.entries {
		if len(s.entries) < maxEntries {
			return
		}
		if isDone(e.done) {
			delete(s.entries, k)
		}
	}
}

func isDone(c chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}
