// Package ingest moves purchases from the feed into Redis: the publisher
// XADDs each purchased item to the purchases stream, and the processor, a
// member of a consumer group, stores them exactly once.
package ingest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/redis/go-redis/v9"

	"github.com/beatsbyredis/beats/internal/feed"
	"github.com/beatsbyredis/beats/internal/purchases"
)

// Publisher adds sales to the purchases stream.
type Publisher struct {
	rdb redis.UniversalClient
}

// NewPublisher returns a Publisher writing to rdb.
func NewPublisher(rdb redis.UniversalClient) *Publisher { return &Publisher{rdb: rdb} }

// Publish XADDs every item of a sale, in one round trip. The stream is not
// capped here: a MAXLEN would drop entries the group has not stored yet
// when the processors fall behind. They trim what they are done with
// (see Processor.Trim).
func (p *Publisher) Publish(ctx context.Context, sale feed.Sale) error {
	return p.PublishMany(ctx, []feed.Sale{sale})
}

// PublishMany XADDs every item of several sales in one round trip: when
// sales arrive faster than round trips (a replay at full speed, a live poll
// that brings a minute of sales), one small pipeline per sale would wait
// behind the consumers' pipelines each time.
//
// A sale that carries a Mark (a replay's position) is published in a
// MULTI/EXEC with the mark, so the stored position never runs ahead of, nor
// behind, the entries: a restarted replay resumes exactly after them.
func (p *Publisher) PublishMany(ctx context.Context, sales []feed.Sale) error {
	var mark *feed.Mark
	for _, s := range sales {
		if s.Mark != nil {
			mark = s.Mark
		}
	}
	pipe := p.rdb.Pipeline()
	if mark != nil {
		pipe = p.rdb.TxPipeline()
	}
	items := 0
	for _, sale := range sales {
		for _, it := range sale.Items {
			if it.ID == "" {
				it.ID = feed.PurchaseID(it.UTCDate, it.URL)
			}
			raw, err := json.Marshal(it)
			if err != nil {
				return fmt.Errorf("ingest: encode %s: %w", it.ID, err)
			}
			pipe.XAdd(ctx, &redis.XAddArgs{
				Stream: purchases.Stream,
				Values: []any{"id", it.ID, "item", raw},
			})
			items++
		}
		// Items that broke a rule (feed/validate.go) are kept for a person
		// to read, never stored.
		for _, r := range sale.Rejected {
			pipe.XAdd(ctx, &redis.XAddArgs{Stream: purchases.DeadStream, MaxLen: deadStreamSize, Approx: true,
				Values: []any{"error", r.Reason, "id", r.ID, "item", []byte(r.Item)}})
			items++
		}
	}
	if mark != nil {
		pipe.Set(ctx, mark.Key, mark.Value, mark.TTL)
		items++
	}
	if items == 0 {
		return nil
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("ingest: XADD %d items: %w", items, err)
	}
	return nil
}

// resumable is a source that can continue where a stored Mark says
// (*feed.Replay).
type resumable interface {
	Key() string
	Resume(mark string)
	Left() int
}

// Resume moves src, if it can resume (a replay), to just after the last
// sale whose Mark was stored, and returns how many sales it has left (-1
// for a source that cannot resume).
func (p *Publisher) Resume(ctx context.Context, src feed.Source) (int, error) {
	r, ok := src.(resumable)
	if !ok {
		return -1, nil
	}
	mark, err := p.rdb.Get(ctx, r.Key()).Result()
	if err != nil && !errors.Is(err, redis.Nil) {
		return 0, fmt.Errorf("ingest: read the replay's position %s: %w", r.Key(), err)
	}
	r.Resume(mark)
	return r.Left(), nil
}
