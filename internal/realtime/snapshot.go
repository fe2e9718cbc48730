package realtime

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"github.com/beatsbyredis/beats/internal/purchases"
)

// Snapshots answers the two chart questions the snapshot carries;
// *purchases.Reader is one.
type Snapshots interface {
	TopSellers(ctx context.Context, n int) (purchases.TopSellersChart, error)
	History(ctx context.Context, q purchases.HistoryQuery) ([]purchases.Point, error)
}

// The snapshot asks what the REST endpoints ask, so both show the same charts.
const (
	topSellersCount = 5
	historyBucketMS = 60_000
	// historySpan is what the dashboard's chart shows: the last day, minute
	// by minute (the whole 30-day series would be 43,200 points a client).
	historySpan     = 24 * time.Hour
	snapshotTimeout = 10 * time.Second
	snapshotRetry   = 5 * time.Second // after a failure, sooner than a full period
	// newClientWait bounds how long a new client's first messages wait for
	// a snapshot built for it; meanwhile its queue fills with what is
	// broadcast. Without one in time it gets none, and the page asks REST.
	newClientWait = time.Second
)

// snapshotter builds the charts snapshot once per period for all clients,
// broadcasts it, and keeps the latest for the clients that connect in
// between. A new client's page may have read the charts over REST a moment
// before: it must never get a snapshot older than that, which would replace
// the newer charts until the next period. So each snapshot remembers how
// many purchases the tailer had relayed when it was built (every one of
// them is in it, since a purchase is stored before it is relayed), and a
// client that connects after more were relayed gets a snapshot built for
// it, shared by every client that connects meanwhile. The snapshot is
// prepared once when it is built, like every message, so the clients that
// connect between two snapshots (after a restart, thousands at once) share
// its frame.
type snapshotter struct {
	src     Snapshots
	hub     *Hub[*websocket.PreparedMessage]
	every   time.Duration   // how often all clients get a snapshot
	relayed func() uint64   // purchases the tailer has relayed so far
	started <-chan struct{} // closed once the tailer knows where it starts
	log     *slog.Logger

	building chan struct{}                 // one slot: one build at a time
	latest   atomic.Pointer[builtSnapshot] // nil until the first build
	built    atomic.Uint64
	errs     atomic.Uint64
}

// builtSnapshot is one snapshot and the tailer's count of relayed purchases
// read just before its queries: it holds at least those.
type builtSnapshot struct {
	msg    *websocket.PreparedMessage
	covers uint64
}

func newSnapshotter(src Snapshots, hub *Hub[*websocket.PreparedMessage], every time.Duration, tail *tailer, started <-chan struct{}, log *slog.Logger) *snapshotter {
	return &snapshotter{
		src: src, hub: hub, every: every, relayed: tail.relayed.Load, started: started, log: log,
		building: make(chan struct{}, 1),
	}
}

// run builds and broadcasts a snapshot every period until ctx ends. It
// starts once the tailer knows where it starts: a purchase stored after the
// first snapshot's queries is then relayed, and counted.
func (s *snapshotter) run(ctx context.Context) error {
	select {
	case <-ctx.Done():
		return nil
	case <-s.started:
	}
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-timer.C:
		}
		next := s.every
		if err := s.refresh(ctx); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			s.log.WarnContext(ctx, "realtime: building the snapshot failed", "err", err)
			next = min(next, snapshotRetry)
		}
		timer.Reset(next)
	}
}

// refresh builds a snapshot and broadcasts it. The cache is updated before
// the broadcast, so a client that subscribes and then reads the cache can
// never end up with an older snapshot than the others.
func (s *snapshotter) refresh(ctx context.Context) error {
	if err := s.lock(ctx); err != nil {
		return err
	}
	defer s.unlock()
	snap, err := s.rebuild(ctx)
	if err != nil {
		return err
	}
	s.hub.Broadcast(snap.msg)
	return nil
}

// forNewClient is the snapshot a client that connects now gets: one that
// holds every purchase relayed so far, cached or built now. Nil when there
// is none yet, or none could be built within ctx.
func (s *snapshotter) forNewClient(ctx context.Context) *websocket.PreparedMessage {
	select {
	case <-s.started:
	default:
		return nil // before the first snapshot: the page asks REST
	}
	need := s.relayed()
	if snap := s.latest.Load(); snap != nil && snap.covers >= need {
		return snap.msg
	}
	if err := s.lock(ctx); err != nil {
		return nil
	}
	defer s.unlock()
	// Built while this client waited for its turn?
	if snap := s.latest.Load(); snap != nil && snap.covers >= need {
		return snap.msg
	}
	snap, err := s.rebuild(ctx)
	if err != nil {
		if ctx.Err() == nil {
			s.log.WarnContext(ctx, "realtime: building a new client's snapshot failed", "err", err)
		}
		return nil
	}
	return snap.msg
}

func (s *snapshotter) lock(ctx context.Context) error {
	select {
	case s.building <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s *snapshotter) unlock() { <-s.building }

// rebuild builds, prepares and caches a snapshot; the caller holds the lock,
// so the cache only ever moves forward. A failure is counted unless ctx
// ended first (a stop, or a new client that gave up waiting).
func (s *snapshotter) rebuild(ctx context.Context) (*builtSnapshot, error) {
	covers := s.relayed()
	snap, err := s.buildPrepared(ctx, covers)
	if err != nil {
		if ctx.Err() == nil {
			s.errs.Add(1)
		}
		return nil, err
	}
	s.latest.Store(snap)
	s.built.Add(1)
	return snap, nil
}

func (s *snapshotter) buildPrepared(ctx context.Context, covers uint64) (*builtSnapshot, error) {
	ctx, cancel := context.WithTimeout(ctx, snapshotTimeout)
	defer cancel()
	msg, err := s.build(ctx)
	if err != nil {
		return nil, err
	}
	pm, err := prepare(msg)
	if err != nil {
		return nil, fmt.Errorf("realtime: prepare snapshot: %w", err)
	}
	return &builtSnapshot{msg: pm, covers: covers}, nil
}

func (s *snapshotter) build(ctx context.Context) ([]byte, error) {
	top, err := s.src.TopSellers(ctx, topSellersCount)
	if err != nil {
		return nil, fmt.Errorf("realtime: snapshot top sellers: %w", err)
	}
	from := time.Now().Add(-historySpan).UnixMilli()
	history, err := s.src.History(ctx, purchases.HistoryQuery{FromMS: from, BucketMS: historyBucketMS})
	if err != nil {
		return nil, fmt.Errorf("realtime: snapshot history: %w", err)
	}
	// The charts expect arrays, never null.
	if top.Labels == nil {
		top.Labels = []string{}
	}
	if top.Series == nil {
		top.Series = []float64{}
	}
	if history == nil {
		history = []purchases.Point{}
	}
	msg, err := json.Marshal(snapshotMessage{TopSellers: top, PurchaseHistory: purchases.ChartPoints(history)})
	if err != nil {
		return nil, fmt.Errorf("realtime: encode snapshot: %w", err)
	}
	return msg, nil
}
