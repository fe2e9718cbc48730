// Package streamtail reads a Redis stream the way every instance of the
// app must read the live streams (purchases:live, watch:live): each
// instance sees every entry, so with plain XREAD, not a consumer group,
// which would share the entries out between the instances.
package streamtail

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/beatsbyredis/beats/internal/retry"
)

// Reader tails one stream from the entry that was newest when it started.
// It remembers the last id it returned, so after a failed read the next
// one resumes exactly there: nothing is skipped, nothing comes twice. Not
// safe for concurrent use: one loop reads.
type Reader struct {
	rdb    redis.UniversalClient
	stream string
	count  int64         // entries per XREAD, so a backlog comes in chunks
	block  time.Duration // one XREAD's wait; bounds how long a stop takes
	lastID string        // "" until Start
}

// New returns a Reader of stream that reads up to count entries at a time,
// each read waiting up to block for new ones.
func New(rdb redis.UniversalClient, stream string, count int64, block time.Duration) *Reader {
	return &Reader{rdb: rdb, stream: stream, count: count, block: block}
}

// Started reports whether the start position is known (Start succeeded).
func (r *Reader) Started() bool { return r.lastID != "" }

// Start pins the start position: the id of the newest entry, or 0-0 for an
// empty stream. It is what "$" means, pinned down once: a "$" repeated
// after an error would skip whatever arrived while Redis was unreachable.
func (r *Reader) Start(ctx context.Context) error {
	last, err := r.rdb.XRevRangeN(ctx, r.stream, "+", "-", 1).Result()
	if err != nil {
		return fmt.Errorf("XREVRANGE %s: %w", r.stream, err)
	}
	r.lastID = "0-0"
	if len(last) > 0 {
		r.lastID = last[0].ID
	}
	return nil
}

// Read returns the entries after the last one read, in stream order,
// waiting up to the block time for some: none when the wait ran out. It
// starts the Reader first when Start has not succeeded yet.
func (r *Reader) Read(ctx context.Context) ([]redis.XMessage, error) {
	if !r.Started() {
		if err := r.Start(ctx); err != nil {
			return nil, err
		}
	}
	streams, err := r.rdb.XRead(ctx, &redis.XReadArgs{
		Streams: []string{r.stream, r.lastID},
		Count:   r.count,
		Block:   r.block,
	}).Result()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("XREAD %s from %s: %w", r.stream, r.lastID, err)
	}
	var msgs []redis.XMessage
	for _, s := range streams {
		msgs = append(msgs, s.Messages...)
	}
	if len(msgs) > 0 {
		r.lastID = msgs[len(msgs)-1].ID
	}
	return msgs, nil
}

// Loop is what Run does with what it reads.
type Loop struct {
	Started func()                                           // once, when the start position is known
	Entries func(ctx context.Context, msgs []redis.XMessage) // each read's entries, when there are some
	Failed  func(ctx context.Context, err error)             // a failed call, retried after a backoff
	Hold    func(ctx context.Context)                        // before each read, when set (to pace reads)
}

// Run reads until ctx ends, handing what it reads to l.Entries. A failed
// Start or Read is given to l.Failed and tried again after a backoff (from 100
// ms, growing up to 5 s), from where it stopped.
func (r *Reader) Run(ctx context.Context, l Loop) {
	backoff := retry.NewBackoff(100*time.Millisecond, 5*time.Second)
	for ctx.Err() == nil {
		if l.Hold != nil {
			l.Hold(ctx)
		}
		if !r.Started() {
			if err := r.Start(ctx); err != nil {
				l.Failed(ctx, err)
				_ = backoff.Wait(ctx)
				continue
			}
			l.Started()
		}
		msgs, err := r.Read(ctx)
		if err != nil {
			l.Failed(ctx, err)
			_ = backoff.Wait(ctx)
			continue
		}
		backoff.Reset()
		if len(msgs) > 0 {
			l.Entries(ctx, msgs)
		}
	}
}
