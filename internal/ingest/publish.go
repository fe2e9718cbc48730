// Package ingest moves purchases from the feed into Redis: the publisher
// XADDs each purchased item to the purchases stream, and the processor, a
// member of a consumer group, stores them exactly once.
package ingest

import (
	"context"
	"encoding/json"
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
func (p *Publisher) PublishMany(ctx context.Context, sales []feed.Sale) error {
	pipe := p.rdb.Pipeline()
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
	}
	if items == 0 {
		return nil
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("ingest: XADD %d items: %w", items, err)
	}
	return nil
}
