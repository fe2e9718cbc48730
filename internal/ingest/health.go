package ingest

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/beatsbyredis/beats/internal/feed"
)

// HealthKey is a hash the feed's holder keeps up to date, so that every
// instance tells its dashboards the same truth about the feed:
// mode, answered (ms of the live API's last answer), sale (ms of the newest
// sale), error (for people, see feed.PublicError) and since (ms the present
// state began). It expires when its holder stops writing it.
const HealthKey = "feed:health"

// StaleAfter is how long the live API may go without answering before the
// feed counts as unhealthy, even with no failed request to show for it.
const StaleAfter = 2 * time.Minute

const (
	healthTTL     = 30 * time.Second
	healthFlush   = time.Second      // changes reach Redis this often at most
	healthRefresh = 10 * time.Second // the key's TTL is renewed this often
)

// Health tracks the feed this instance runs. Its methods are called from the
// feed's goroutines; Publish writes what they said to HealthKey.
type Health struct {
	rdb redis.UniversalClient
	now func() time.Time

	mu    sync.Mutex
	state healthState
	dirty bool
	flip  chan struct{} // a change of health, written at once
}

type healthState struct {
	mode     string
	answered int64
	sale     int64
	err      string
	since    int64
}

// NewHealth returns a tracker that writes to rdb; now is time.Now if nil.
func NewHealth(rdb redis.UniversalClient, now func() time.Time) *Health {
	if now == nil {
		now = time.Now
	}
	return &Health{rdb: rdb, now: now, flip: make(chan struct{}, 1)}
}

// Started records that a source of mode is open. A failure already known
// stays until the source answers, so a feed that fails, restarts and fails
// again reads as failing since the first time.
func (h *Health) Started(mode string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	now := h.now().UnixMilli()
	if h.state.mode != mode {
		h.state = healthState{mode: mode, since: now}
		h.flipped()
	}
	h.state.answered = now
	h.dirty = true
}

// flipped wakes Publish; the caller holds mu.
func (h *Health) flipped() {
	select {
	case h.flip <- struct{}{}:
	default:
	}
}

// Attempted records one request to the live API: err is nil when it answered.
func (h *Health) Attempted(err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	now := h.now().UnixMilli()
	msg := feed.PublicError(err)
	if err == nil {
		h.state.answered = now
	}
	if (msg == "") != (h.state.err == "") {
		h.state.since = now
		h.flipped()
	}
	h.state.err = msg
	h.dirty = true
}

// Sold records sales the feed brought, by their own times.
func (h *Health) Sold(sales []feed.Sale) {
	var newest float64
	for _, s := range sales {
		if len(s.Items) == 0 && len(s.Rejected) > 0 {
			continue // it only carries rejected items, at its answer's time
		}
		newest = max(newest, s.UTCDate)
	}
	ms := int64(newest * 1000)
	h.mu.Lock()
	defer h.mu.Unlock()
	if ms > h.state.sale {
		h.state.sale = ms
		h.dirty = true
	}
}

// Publish writes the state to HealthKey until ctx ends: at once, when the
// feed turns healthy or not, after other changes within a second, and every
// ten seconds to renew the key's TTL.
func (h *Health) Publish(ctx context.Context) error {
	h.mu.Lock()
	h.dirty = true
	h.mu.Unlock()
	tick := time.NewTicker(healthFlush)
	defer tick.Stop()
	var written time.Time
	for {
		h.mu.Lock()
		st, dirty := h.state, h.dirty
		h.dirty = false
		h.mu.Unlock()
		if dirty || time.Since(written) >= healthRefresh {
			if err := h.write(ctx, st); err != nil {
				if ctx.Err() != nil {
					return nil
				}
				h.mu.Lock()
				h.dirty = true // try again on the next tick
				h.mu.Unlock()
			} else {
				written = time.Now()
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		case <-h.flip:
		}
	}
}

func (h *Health) write(ctx context.Context, st healthState) error {
	_, err := h.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.HSet(ctx, HealthKey, "mode", st.mode, "answered", st.answered, "sale", st.sale,
			"error", st.err, "since", st.since)
		p.PExpire(ctx, HealthKey, healthTTL)
		return nil
	})
	if err != nil {
		return fmt.Errorf("ingest: write feed health: %w", err)
	}
	return nil
}

// ReadStatus is the feed's status as any instance sees it: who runs it from
// the lease, how it fares from HealthKey, judged at now.
func ReadStatus(ctx context.Context, rdb redis.UniversalClient, now time.Time) (feed.Status, error) {
	var lease *redis.StringCmd
	var health *redis.MapStringStringCmd
	_, err := rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		lease = p.Get(ctx, LeaseKey)
		health = p.HGetAll(ctx, HealthKey)
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return feed.Status{}, fmt.Errorf("ingest: read feed status: %w", err)
	}
	var st feed.Status
	if v, err := lease.Result(); err == nil {
		st.Running = true
		_, mode, _ := strings.Cut(v, " ")
		if mode != "starting" {
			st.Mode = mode
		}
	}
	return judge(st, health.Val(), now), nil
}

// judge fills st's health from the hash's fields.
func judge(st feed.Status, h map[string]string, now time.Time) feed.Status {
	num := func(k string) int64 {
		n, _ := strconv.ParseInt(h[k], 10, 64)
		return n
	}
	if sale := num("sale"); sale > 0 {
		st.LastSaleAt = &sale
	}
	if !st.Running || h["mode"] == "" || (st.Mode != "" && h["mode"] != st.Mode) {
		// Nobody runs the feed, or its holder has not said how it fares yet.
		return st
	}
	st.Healthy, st.Since = true, num("since")
	if msg := h["error"]; msg != "" {
		st.Healthy, st.LastError = false, &msg
		return st
	}
	if answered := num("answered"); st.Mode == "live" && now.UnixMilli()-answered > StaleAfter.Milliseconds() {
		msg := "Bandcamp has not answered for " + strconv.Itoa(int(StaleAfter/time.Minute)) + " minutes"
		st.Healthy, st.LastError, st.Since = false, &msg, answered
	}
	return st
}
