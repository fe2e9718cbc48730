package ingest

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/beatsbyredis/beats/internal/purchases"
)

// consumerIdleLimit is how long a consumer with nothing pending may stay
// silent before it is removed from the group (its instance is gone).
const consumerIdleLimit = time.Hour

// maintain is the group's upkeep, done by every consumer now and then:
// reclaim what dead consumers left pending, trim what every group has
// stored, and forget consumers that are gone. Failures are logged; the
// next round tries again.
func (p *Processor) maintain(ctx context.Context) {
	if _, err := p.Reclaim(ctx); err != nil && ctx.Err() == nil {
		p.opt.Logger.Warn("ingest: reclaim failed", "err", err)
	}
	if err := p.Trim(ctx); err != nil && ctx.Err() == nil {
		p.opt.Logger.Warn("ingest: trim failed", "err", err)
	}
	if err := p.forgetGoneConsumers(ctx); err != nil && ctx.Err() == nil {
		p.opt.Logger.Warn("ingest: consumer cleanup failed", "err", err)
	}
}

// Reclaim takes over entries pending longer than ClaimIdle (their consumer
// died between reading and acknowledging) and stores them. An entry that
// has already been tried MaxDeliveries times goes to the dead-letter stream
// instead, so one poisonous entry is not retried forever.
func (p *Processor) Reclaim(ctx context.Context) (int, error) {
	if err := p.deadLetterExhausted(ctx); err != nil {
		return 0, err
	}
	total := 0
	start := "0-0"
	for {
		msgs, next, err := p.rdb.XAutoClaim(ctx, &redis.XAutoClaimArgs{
			Stream:   purchases.Stream,
			Group:    purchases.ConsumerGroup,
			Consumer: p.opt.Consumer,
			MinIdle:  p.opt.ClaimIdle,
			Start:    start,
			Count:    int64(p.opt.Batch),
		}).Result()
		if err != nil {
			if strings.Contains(err.Error(), "NOGROUP") {
				return total, nil
			}
			return total, fmt.Errorf("ingest: XAUTOCLAIM: %w", err)
		}
		if len(msgs) > 0 {
			p.opt.Logger.Info("ingest: reclaimed pending purchases", "count", len(msgs))
			if err := p.handleBatch(ctx, msgs); err != nil {
				return total, err
			}
			total += len(msgs)
		}
		if next == "0-0" || next == "" {
			return total, nil
		}
		start = next
	}
}

// deadLetterExhausted moves idle entries delivered MaxDeliveries times or
// more to the dead-letter stream and acknowledges them.
func (p *Processor) deadLetterExhausted(ctx context.Context) error {
	pending, err := p.rdb.XPendingExt(ctx, &redis.XPendingExtArgs{
		Stream: purchases.Stream, Group: purchases.ConsumerGroup,
		Idle: p.opt.ClaimIdle, Start: "-", End: "+", Count: int64(p.opt.Batch),
	}).Result()
	if err != nil {
		if strings.Contains(err.Error(), "NOGROUP") {
			return nil
		}
		return fmt.Errorf("ingest: XPENDING: %w", err)
	}
	for _, e := range pending {
		if e.RetryCount < int64(p.opt.MaxDeliveries) {
			continue
		}
		entries, err := p.rdb.XRange(ctx, purchases.Stream, e.ID, e.ID).Result()
		if err != nil {
			return fmt.Errorf("ingest: XRANGE %s: %w", e.ID, err)
		}
		pipe := p.rdb.TxPipeline()
		for _, m := range entries {
			queueDeadLetter(ctx, pipe, m, fmt.Sprintf("not stored after %d deliveries", e.RetryCount))
		}
		pipe.XAck(ctx, purchases.Stream, purchases.ConsumerGroup, e.ID)
		if _, err := pipe.Exec(ctx); err != nil {
			return fmt.Errorf("ingest: dead-letter %s: %w", e.ID, err)
		}
		p.opt.Logger.Error("ingest: entry moved to dead letters after repeated failures", "id", e.ID, "deliveries", e.RetryCount)
	}
	return nil
}

// queueDeadLetter copies an entry, with the reason, to purchases:dead.
func queueDeadLetter(ctx context.Context, pipe redis.Pipeliner, m redis.XMessage, reason string) {
	values := []any{"entry", m.ID, "error", reason}
	for k, v := range m.Values {
		values = append(values, k, v)
	}
	pipe.XAdd(ctx, &redis.XAddArgs{Stream: purchases.DeadStream, MaxLen: deadStreamSize, Approx: true, Values: values})
}

// deadStreamSize is about how many dead letters are kept: the newest, for a
// person to read, without letting a feed full of bad items fill memory.
const deadStreamSize = 10_000

// streamKeep is how long stored entries stay in the stream, for people who
// look at it (XRANGE); older ones are trimmed once every group has them.
const streamKeep = 10 * time.Minute

// Trim removes the stream entries older than streamKeep that every
// consumer group has stored: never the oldest entry still pending or not
// yet delivered, nor any after it. (The stream is never capped by length,
// which would drop purchases not yet stored when the consumers fall behind.)
func (p *Processor) Trim(ctx context.Context) error {
	groups, err := p.rdb.XInfoGroups(ctx, purchases.Stream).Result()
	if err != nil {
		return fmt.Errorf("ingest: XINFO GROUPS: %w", err)
	}
	if len(groups) == 0 {
		return nil
	}
	// The smallest id to keep: the streamKeep cut-off, or older when some
	// group still needs an older entry.
	keep := fmt.Sprintf("%d-0", time.Now().Add(-streamKeep).UnixMilli())
	for _, g := range groups {
		var pending *redis.XPending
		if g.Pending > 0 { // something older than the last delivered may be pending
			if pending, err = p.rdb.XPending(ctx, purchases.Stream, g.Name).Result(); err != nil {
				return fmt.Errorf("ingest: XPENDING %s: %w", g.Name, err)
			}
		}
		if need := oldestNeeded(g.LastDeliveredID, pending); compareIDs(need, keep) < 0 {
			keep = need
		}
	}
	if err := p.rdb.XTrimMinID(ctx, purchases.Stream, keep).Err(); err != nil {
		return fmt.Errorf("ingest: XTRIM MINID %s: %w", keep, err)
	}
	return nil
}

// oldestNeeded is the oldest entry a group still needs: the oldest pending
// one, else the one after its last delivered. The entries pending when
// XINFO GROUPS answered may all be acknowledged by the time XPENDING does,
// which then answers no lowest id: trimming at that empty id failed with
// "ERR Invalid stream ID".
func oldestNeeded(lastDelivered string, pending *redis.XPending) string {
	if pending != nil && pending.Count > 0 && pending.Lower != "" {
		return pending.Lower
	}
	return lastDelivered
}

// compareIDs orders stream ids ("ms-seq").
func compareIDs(a, b string) int {
	am, as, _ := strings.Cut(a, "-")
	bm, bs, _ := strings.Cut(b, "-")
	if c := compareDecimal(am, bm); c != 0 {
		return c
	}
	return compareDecimal(as, bs)
}

func compareDecimal(a, b string) int {
	if len(a) != len(b) {
		return len(a) - len(b)
	}
	return strings.Compare(a, b)
}

// forgetGoneConsumers removes consumers that have nothing pending and have
// not read for consumerIdleLimit: each app process joins under a new name,
// so without this the group would list every instance that ever ran.
func (p *Processor) forgetGoneConsumers(ctx context.Context) error {
	consumers, err := p.rdb.XInfoConsumers(ctx, purchases.Stream, purchases.ConsumerGroup).Result()
	if err != nil {
		return fmt.Errorf("ingest: XINFO CONSUMERS: %w", err)
	}
	for _, c := range consumers {
		if c.Name == p.opt.Consumer || c.Pending > 0 || c.Idle < consumerIdleLimit {
			continue
		}
		if err := p.rdb.XGroupDelConsumer(ctx, purchases.Stream, purchases.ConsumerGroup, c.Name).Err(); err != nil {
			return fmt.Errorf("ingest: XGROUP DELCONSUMER %s: %w", c.Name, err)
		}
	}
	return nil
}

// leaveGroup removes this consumer from the group at shutdown when it has
// nothing pending (ReadOnce finishes its batch), so the group lists live
// instances only.
func (p *Processor) leaveGroup(ctx context.Context) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
	defer cancel()
	pending, err := p.rdb.XPendingExt(ctx, &redis.XPendingExtArgs{
		Stream: purchases.Stream, Group: purchases.ConsumerGroup, Consumer: p.opt.Consumer, Start: "-", End: "+", Count: 1,
	}).Result()
	if err != nil || len(pending) > 0 {
		return
	}
	_ = p.rdb.XGroupDelConsumer(ctx, purchases.Stream, purchases.ConsumerGroup, p.opt.Consumer).Err()
}
