package realtime

import (
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
)

// Why a subscription ended; Subscription.Err returns one of these.
var (
	ErrSlowConsumer = errors.New("slow consumer")
	ErrUnsubscribed = errors.New("unsubscribed")
)

// HubOptions configures a Hub.
type HubOptions struct {
	Logger *slog.Logger // drops are logged here; nil discards
}

// HubStats are the hub's counters, cheap to read for metrics.
type HubStats struct {
	Subscribers int64  // subscriptions open now
	Dropped     uint64 // subscriptions closed because their queue was full
	Broadcasts  uint64 // messages broadcast
}

// Hub fans messages of type M out to subscribers. It knows nothing of
// WebSockets (the socket handler's M is a prepared frame): a subscriber is a
// bounded queue, and a full queue gets its subscriber dropped, so one
// stalled reader never delays the others.
type Hub[M any] struct {
	log *slog.Logger

	mu     sync.Mutex
	subs   map[*Subscription[M]]struct{}
	owners map[string]map[*Subscription[M]]struct{} // subscriptions by owner, for SendTo

	subscribers atomic.Int64
	dropped     atomic.Uint64
	broadcasts  atomic.Uint64
}

// NewHub returns an empty hub.
func NewHub[M any](opts HubOptions) *Hub[M] {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Hub[M]{log: log, subs: make(map[*Subscription[M]]struct{}), owners: make(map[string]map[*Subscription[M]]struct{})}
}

// Subscription is one subscriber's queue. Messages are shared between all
// subscribers and must not be modified.
type Subscription[M any] struct {
	msgs  chan M
	done  chan struct{}
	err   error  // written once, before done is closed
	owner string // who it is for ("" for no one in particular); see SendTo
}

// Messages is the queue; the hub never closes it, so select on Done too.
func (s *Subscription[M]) Messages() <-chan M { return s.msgs }

// Done is closed when the subscription ends.
func (s *Subscription[M]) Done() <-chan struct{} { return s.done }

// Err is why the subscription ended (ErrSlowConsumer or ErrUnsubscribed),
// or nil while it is open.
func (s *Subscription[M]) Err() error {
	select {
	case <-s.done:
		return s.err // closing done published err
	default:
		return nil
	}
}

// Subscribe adds a subscriber whose queue holds queueSize messages (at least 1).
func (h *Hub[M]) Subscribe(queueSize int) *Subscription[M] {
	return h.SubscribeOwner("", queueSize)
}

// SubscribeOwner is Subscribe for a subscriber that also gets the messages
// sent to owner (SendTo); "" is no one.
func (h *Hub[M]) SubscribeOwner(owner string, queueSize int) *Subscription[M] {
	s := &Subscription[M]{msgs: make(chan M, max(queueSize, 1)), done: make(chan struct{}), owner: owner}
	h.mu.Lock()
	h.subs[s] = struct{}{}
	if owner != "" {
		if h.owners[owner] == nil {
			h.owners[owner] = make(map[*Subscription[M]]struct{})
		}
		h.owners[owner][s] = struct{}{}
	}
	h.mu.Unlock()
	h.subscribers.Add(1)
	return s
}

// Unsubscribe removes s; it is safe to call more than once, and after a drop.
func (h *Hub[M]) Unsubscribe(s *Subscription[M]) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.endLocked(s, ErrUnsubscribed)
}

// Broadcast queues msg for every subscriber without ever blocking: a
// subscriber whose queue is full is dropped with ErrSlowConsumer. Sends
// happen under the lock so that every subscriber sees the same order.
func (h *Hub[M]) Broadcast(msg M) {
	h.broadcasts.Add(1)
	h.mu.Lock()
	dropped := h.sendLocked(h.subs, msg)
	h.mu.Unlock()
	h.logDrops(dropped)
}

// SendTo queues msg for owner's subscribers only, as Broadcast does for all.
func (h *Hub[M]) SendTo(owner string, msg M) {
	h.mu.Lock()
	dropped := h.sendLocked(h.owners[owner], msg)
	h.mu.Unlock()
	h.logDrops(dropped)
}

// sendLocked queues msg for subs, dropping those whose queue is full, and
// returns how many it dropped; h.mu must be held.
func (h *Hub[M]) sendLocked(subs map[*Subscription[M]]struct{}, msg M) (dropped int) {
	for s := range subs {
		select {
		case s.msgs <- msg:
		default:
			h.endLocked(s, ErrSlowConsumer)
			h.dropped.Add(1)
			dropped++
		}
	}
	return dropped
}

func (h *Hub[M]) logDrops(n int) {
	if n > 0 {
		h.log.Warn("realtime: dropped slow consumers", "count", n)
	}
}

// endLocked removes s and closes it with reason; h.mu must be held.
func (h *Hub[M]) endLocked(s *Subscription[M], reason error) {
	if _, ok := h.subs[s]; !ok {
		return // already ended: the first reason stands
	}
	delete(h.subs, s)
	if owned := h.owners[s.owner]; owned != nil {
		if delete(owned, s); len(owned) == 0 {
			delete(h.owners, s.owner)
		}
	}
	h.subscribers.Add(-1)
	s.err = reason
	close(s.done)
}

// Backlog is how many subscribers still have messages in their queue, of
// how many there are.
func (h *Hub[M]) Backlog() (waiting, total int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.subs {
		if len(s.msgs) > 0 {
			waiting++
		}
	}
	return waiting, len(h.subs)
}

// Stats returns the hub's counters.
func (h *Hub[M]) Stats() HubStats {
	return HubStats{
		Subscribers: h.subscribers.Load(),
		Dropped:     h.dropped.Load(),
		Broadcasts:  h.broadcasts.Load(),
	}
}
