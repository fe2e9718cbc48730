package realtime

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"github.com/beatsbyredis/beats/internal/feed"
)

// FeedStatus reads the feed's status (whichever instance runs the feed).
type FeedStatus func(ctx context.Context) (feed.Status, error)

const (
	// defaultFeedEvery is how often the feed's status is read: a change of
	// health reaches the dashboards within this.
	defaultFeedEvery = 2 * time.Second
	feedReadTimeout  = 2 * time.Second
)

// feedWatcher reads the feed's status for all clients, keeps the latest for
// new clients and broadcasts it when it changes. A new lastSaleAt alone is
// not broadcast: the purchases themselves tell the clients that.
type feedWatcher struct {
	read  FeedStatus
	hub   *Hub[*websocket.PreparedMessage]
	every time.Duration
	log   *slog.Logger

	latest atomic.Pointer[feedMessageOut] // nil until the first read
	errs   atomic.Uint64
}

// feedMessageOut is the latest {"feed": ...} message, encoded and prepared
// once for every client.
type feedMessageOut struct {
	json     []byte
	prepared *websocket.PreparedMessage
}

func (w *feedWatcher) run(ctx context.Context) error {
	tick := time.NewTicker(w.every)
	defer tick.Stop()
	var last feed.Status
	first := true
	for {
		st, err := w.fetch(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			w.errs.Add(1)
			w.log.WarnContext(ctx, "realtime: reading the feed status failed", "err", err)
		case err == nil:
			out, err := encodeFeed(st)
			if err != nil {
				w.log.ErrorContext(ctx, "realtime: encode the feed status", "err", err)
				break
			}
			w.latest.Store(out)
			if !first && changed(last, st) {
				w.hub.Broadcast(out.prepared)
			}
			last, first = st, false
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}

func (w *feedWatcher) fetch(ctx context.Context) (feed.Status, error) {
	ctx, cancel := context.WithTimeout(ctx, feedReadTimeout)
	defer cancel()
	st, err := w.read(ctx)
	if err != nil {
		return st, fmt.Errorf("realtime: feed status: %w", err)
	}
	return st, nil
}

// changed reports a change the dashboard must hear of at once.
func changed(a, b feed.Status) bool {
	str := func(p *string) string {
		if p == nil {
			return "\x00"
		}
		return *p
	}
	return a.Mode != b.Mode || a.Running != b.Running || a.Healthy != b.Healthy ||
		a.Since != b.Since || str(a.LastError) != str(b.LastError)
}

func encodeFeed(st feed.Status) (*feedMessageOut, error) {
	msg, err := json.Marshal(feedMessage{Feed: st})
	if err != nil {
		return nil, err
	}
	pm, err := prepare(msg)
	if err != nil {
		return nil, err
	}
	return &feedMessageOut{json: msg, prepared: pm}, nil
}

// cached is the latest status message, or nil before the first read.
func (w *feedWatcher) cached() *websocket.PreparedMessage {
	if p := w.latest.Load(); p != nil {
		return p.prepared
	}
	return nil
}

// cachedJSON is cached's JSON, for tests.
func (w *feedWatcher) cachedJSON() string {
	if p := w.latest.Load(); p != nil {
		return string(p.json)
	}
	return ""
}
