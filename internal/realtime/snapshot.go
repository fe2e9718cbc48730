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
	// defaultSnapshotFreshness bounds the age of the snapshot a new client
	// gets: the cache is rebuilt this often between broadcasts, or a client
	// that connects late in a minute would replace the history it just
	// fetched with an older one.
	defaultSnapshotFreshness = 5 * time.Second
)

// snapshotter builds the charts snapshot once per period for all clients,
// keeps the latest for clients that connect in between, and broadcasts it.
// The snapshot is prepared once when it is built, like every message, so
// the clients that connect between two snapshots (after a restart,
// thousands at once) share its frame.
type snapshotter struct {
	src   Snapshots
	hub   *Hub[*websocket.PreparedMessage]
	every time.Duration // how often all clients get a snapshot
	fresh time.Duration // how often the cached one is rebuilt in between
	log   *slog.Logger

	latest atomic.Pointer[websocket.PreparedMessage] // nil until the first build
	built  atomic.Uint64
	errs   atomic.Uint64
}

// run builds a snapshot now and then every period until ctx ends, and
// keeps the cached one fresh in between.
func (s *snapshotter) run(ctx context.Context) error {
	timer := time.NewTimer(0)
	defer timer.Stop()
	var lastBroadcast time.Time
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-timer.C:
		}
		broadcast := time.Since(lastBroadcast) >= s.every
		next := min(s.every, s.fresh)
		if err := s.refresh(ctx, broadcast); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			s.errs.Add(1)
			s.log.WarnContext(ctx, "realtime: building the snapshot failed", "err", err)
			next = min(next, snapshotRetry)
		} else if broadcast {
			lastBroadcast = time.Now()
		}
		timer.Reset(next)
	}
}

// refresh builds and caches one snapshot, and broadcasts it if asked. The
// cache is updated before the broadcast, so a client that subscribes and
// then reads the cache can never end up with an older snapshot than the
// others.
func (s *snapshotter) refresh(ctx context.Context, broadcast bool) error {
	ctx, cancel := context.WithTimeout(ctx, snapshotTimeout)
	defer cancel()
	msg, err := s.build(ctx)
	if err != nil {
		return err
	}
	pm, err := prepare(msg)
	if err != nil {
		return fmt.Errorf("realtime: prepare snapshot: %w", err)
	}
	s.latest.Store(pm)
	s.built.Add(1)
	if broadcast {
		s.hub.Broadcast(pm)
	}
	return nil
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

// cached is the latest snapshot, or nil before the first one is built.
func (s *snapshotter) cached() *websocket.PreparedMessage { return s.latest.Load() }
