package realtime

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/beatsbyredis/beats/internal/purchases"
	"github.com/beatsbyredis/beats/internal/streamtail"
)

// broadcaster is what the tailer and the snapshotter publish to; *Hub is one.
type broadcaster interface {
	Broadcast(msg []byte)
}

// tailer reads the live stream with XREAD BLOCK and broadcasts each batch.
// Not a consumer group: a group would share the entries out between the
// instances, while every instance must relay every purchase to its clients.
type tailer struct {
	rdb    redis.UniversalClient
	stream string
	out    broadcaster
	log    *slog.Logger
	block  time.Duration // one XREAD's wait; bounds how long a stop takes
	count  int64         // entries per XREAD, so a backlog is sent in chunks
	ready  func()        // called once the start position is known
	pacer  *pacer        // holds reads while clients are busy; nil never holds

	relayed atomic.Uint64 // purchases broadcast
	errs    atomic.Uint64 // failed Redis calls, each retried
}

// run tails the stream until ctx ends. Its reader remembers the last id it
// has seen, so after a Redis hiccup it resumes exactly where it stopped:
// nothing is skipped and nothing is sent twice.
func (t *tailer) run(ctx context.Context) error {
	var lastBroadcast time.Time
	streamtail.New(t.rdb, t.stream, t.count, t.block).Run(ctx, streamtail.Loop{
		Hold:    func(ctx context.Context) { t.pacer.hold(ctx, lastBroadcast) },
		Started: t.ready,
		Entries: func(ctx context.Context, msgs []redis.XMessage) {
			t.publish(ctx, msgs)
			lastBroadcast = time.Now()
		},
		Failed: func(ctx context.Context, err error) { t.failed(ctx, fmt.Errorf("realtime: %w", err)) },
	})
	return nil
}

// publish broadcasts one batch as {"purchases":[...]}, newest first.
func (t *tailer) publish(ctx context.Context, entries []redis.XMessage) {
	batch := make([]purchases.Purchase, 0, len(entries))
	for _, e := range entries {
		p, err := decodeLivePurchase(e)
		if err != nil {
			// A bad entry cannot get better by retrying: log it and move on.
			t.log.WarnContext(ctx, "realtime: skipping stream entry", "stream", t.stream, "id", e.ID, "err", err)
			continue
		}
		batch = append(batch, p)
	}
	if len(batch) == 0 {
		return
	}
	// Stream order is arrival order; the dashboard lists by purchase time,
	// like /purchases/recent. Reverse first so that, at equal times, the
	// later arrival still comes first.
	slices.Reverse(batch)
	slices.SortStableFunc(batch, func(a, b purchases.Purchase) int {
		return cmp.Compare(b.UTCDateRaw, a.UTCDateRaw)
	})
	msg, err := json.Marshal(purchasesMessage{Purchases: batch})
	if err != nil {
		t.log.ErrorContext(ctx, "realtime: encode purchases", "err", err)
		return
	}
	t.relayed.Add(uint64(len(batch)))
	t.out.Broadcast(msg)
}

// decodeLivePurchase reads the purchase an entry of the live stream
// carries: the stored document in the field "doc", and the "id" field,
// since the document leaves the id to its key. Decoding into
// purchases.Purchase and encoding it again leaves out search_text, which is
// internal to the index. Entries written before the id had its own field
// carry it in the document.
func decodeLivePurchase(e redis.XMessage) (purchases.Purchase, error) {
	doc, ok := e.Values["doc"].(string)
	if !ok {
		return purchases.Purchase{}, errors.New(`no "doc" field`)
	}
	p, err := purchases.DecodeDocument(doc)
	if err != nil {
		return purchases.Purchase{}, fmt.Errorf("decode doc: %w", err)
	}
	if id, ok := e.Values["id"].(string); ok && id != "" {
		p.ID = id
	}
	return p, nil
}

func (t *tailer) failed(ctx context.Context, err error) {
	if ctx.Err() != nil {
		return // stopping, not failing
	}
	t.errs.Add(1)
	t.log.WarnContext(ctx, "realtime: reading the live stream failed, retrying", "err", err)
}
