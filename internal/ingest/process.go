package ingest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/beatsbyredis/beats/internal/feed"
	"github.com/beatsbyredis/beats/internal/purchases"
	"github.com/beatsbyredis/beats/internal/retry"
)

// ProcessorOptions tune a Processor; zero values take the defaults.
type ProcessorOptions struct {
	Consumer  string        // this consumer's name in the group; unique per instance
	Batch     int           // entries per XREADGROUP (default 200)
	Block     time.Duration // XREADGROUP BLOCK (default 1 s; shutdown waits up to this long)
	ClaimIdle time.Duration // reclaim entries pending this long (default 30 s)
	Logger    *slog.Logger
	// Stored is called with the number of new purchases after each batch.
	Stored func(n int)
	// MaxDeliveries is how often an entry is tried before it is moved to the
	// dead-letter stream (default 5).
	MaxDeliveries int
}

// Processor is one consumer of the group that stores purchases.
type Processor struct {
	rdb   redis.UniversalClient
	saver *purchases.Saver
	opt   ProcessorOptions
}

// NewProcessor returns a Processor storing with saver.
func NewProcessor(rdb redis.UniversalClient, saver *purchases.Saver, opt ProcessorOptions) *Processor {
	if opt.Batch <= 0 {
		opt.Batch = 200
	}
	if opt.Block <= 0 {
		opt.Block = time.Second
	}
	if opt.ClaimIdle <= 0 {
		opt.ClaimIdle = 30 * time.Second
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	if opt.MaxDeliveries <= 0 {
		opt.MaxDeliveries = 5
	}
	if opt.Stored == nil {
		opt.Stored = func(int) {}
	}
	return &Processor{rdb: rdb, saver: saver, opt: opt}
}

// EnsureGroup creates the consumer group, reading the stream from its start
// so that purchases published before the group existed are stored too.
func EnsureGroup(ctx context.Context, rdb redis.UniversalClient) error {
	err := rdb.XGroupCreateMkStream(ctx, purchases.Stream, purchases.ConsumerGroup, "0").Err()
	if err != nil && !strings.Contains(err.Error(), "BUSYGROUP") {
		return fmt.Errorf("ingest: XGROUP CREATE: %w", err)
	}
	return nil
}

// Run reads and stores entries until ctx ends, and every ClaimIdle/2 does
// the group's upkeep (see maintain). Consumer names are unique per process,
// so a restarted instance has nothing pending of its own: what a dead
// instance left behind is reclaimed by whichever consumer gets to it first.
func (p *Processor) Run(ctx context.Context) error {
	if err := EnsureGroup(ctx, p.rdb); err != nil {
		return err
	}
	if err := purchases.LoadScript(ctx, p.rdb); err != nil {
		return err
	}
	defer p.leaveGroup(ctx)
	lastUpkeep := time.Time{}
	backoff := retry.NewBackoff(100*time.Millisecond, 5*time.Second)
	for ctx.Err() == nil {
		if time.Since(lastUpkeep) > p.opt.ClaimIdle/2 {
			p.maintain(ctx)
			lastUpkeep = time.Now()
		}
		if _, err := p.ReadOnce(ctx); err != nil {
			if ctx.Err() != nil {
				break
			}
			if errors.Is(err, errNoGroup) {
				// The stream was deleted: make the group again and go on.
				if err = EnsureGroup(ctx, p.rdb); err == nil {
					continue
				}
			}
			p.opt.Logger.Warn("ingest: read failed, retrying", "err", err)
			_ = backoff.Wait(ctx)
			continue
		}
		backoff.Reset()
	}
	return nil
}

// ReadOnce reads new entries (blocking up to Block for the first batch)
// and stores them. While entries keep coming it goes on, storing a batch
// and reading the next without waiting, up to maxBatchesPerRead batches.
// It returns how many entries it handled. A batch that was read is stored
// even if ctx ends meanwhile, so a shutdown leaves nothing pending. Each
// read and each batch's store has a deadline of its own (stepTimeout), so
// that slow batches early on do not leave the later ones no time.
func (p *Processor) ReadOnce(ctx context.Context) (int, error) {
	msgs, err := p.read(ctx, p.opt.Block)
	if err != nil {
		return 0, err
	}
	n := 0
	for i := 0; len(msgs) > 0; i++ {
		n += len(msgs)
		if err := p.handleBatch(ctx, msgs); err != nil {
			return n, err
		}
		if ctx.Err() != nil || i+1 == maxBatchesPerRead {
			break
		}
		if msgs, err = p.read(ctx, 0); err != nil {
			return n, err
		}
	}
	return n, nil
}

// maxBatchesPerRead bounds ReadOnce under a steady backlog, so Run still
// gets to its upkeep.
const maxBatchesPerRead = 50

// stepTimeout bounds one read (beyond its BLOCK) and one batch's store.
const stepTimeout = 10 * time.Second

// handleBatch is handle with a deadline of its own, which the end of ctx
// does not cut short: a batch that was read is stored.
func (p *Processor) handleBatch(ctx context.Context, msgs []redis.XMessage) error {
	finish, cancel := context.WithTimeout(context.WithoutCancel(ctx), stepTimeout)
	defer cancel()
	return p.handle(finish, msgs)
}

// read is one XREADGROUP of new entries; block 0 does not wait.
func (p *Processor) read(ctx context.Context, block time.Duration) ([]redis.XMessage, error) {
	ctx, cancel := context.WithTimeout(ctx, block+stepTimeout)
	defer cancel()
	args := &redis.XReadGroupArgs{
		Group:    purchases.ConsumerGroup,
		Consumer: p.opt.Consumer,
		Streams:  []string{purchases.Stream, ">"},
		Count:    int64(p.opt.Batch),
		Block:    block,
	}
	if block == 0 {
		args.Block = -1 // go-redis: no BLOCK argument at all
	}
	streams, err := p.rdb.XReadGroup(ctx, args).Result()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		if strings.Contains(err.Error(), "NOGROUP") {
			return nil, fmt.Errorf("ingest: XREADGROUP: %w", errNoGroup)
		}
		return nil, fmt.Errorf("ingest: XREADGROUP: %w", err)
	}
	var msgs []redis.XMessage
	for _, s := range streams {
		msgs = append(msgs, s.Messages...)
	}
	return msgs, nil
}

// errNoGroup: the group vanished (the stream was deleted); Run recreates it.
var errNoGroup = errors.New("consumer group missing")

// handle stores a batch in one round trip: a pipeline of save scripts, each
// of which also acknowledges its entry (see save.lua). An entry that cannot
// be decoded, or whose item breaks a rule (feed/validate.go), is copied to
// the dead-letter stream and acknowledged, so nothing is lost; one whose
// save failed stays pending for a retry.
func (p *Processor) handle(ctx context.Context, msgs []redis.XMessage) error {
	err := p.store(ctx, msgs)
	if err != nil && strings.Contains(err.Error(), "NOSCRIPT") {
		// Redis restarted and lost its script cache: load it, and try once
		// more (the guard makes the repeat harmless).
		if err := purchases.LoadScript(ctx, p.rdb); err != nil {
			return err
		}
		err = p.store(ctx, msgs)
	}
	return err
}

// store is one attempt at handle.
func (p *Processor) store(ctx context.Context, msgs []redis.XMessage) error {
	pipe := p.rdb.Pipeline()
	saves := make([]*redis.Cmd, len(msgs))
	var dead []string
	refuse := func(m redis.XMessage, err error) {
		p.opt.Logger.Warn("ingest: entry refused, moved to dead letters", "id", m.ID, "err", err)
		queueDeadLetter(ctx, pipe, m, err.Error())
		dead = append(dead, m.ID)
	}
	var ps []purchases.Purchase
	var ids []string
	var at []int // of msgs, for each of ps
	for i, m := range msgs {
		item, err := decodeFeedItem(m)
		if err == nil {
			// The feed checked it against its answer; whatever wrote the
			// entry, the item meets the rules here (the Saver applies the
			// clock's).
			err = item.Check(0, time.Time{})
		}
		if err != nil {
			refuse(m, err)
			continue
		}
		ps, ids, at = append(ps, purchases.Normalize(item)), append(ids, m.ID), append(at, i)
	}
	cmds, errs, err := p.saver.QueueBatch(ctx, pipe, ps, purchases.ConsumerGroup, ids)
	if err != nil {
		return fmt.Errorf("ingest: store batch: %w", err) // nothing acknowledged: all stay pending
	}
	for j, i := range at {
		if errs[j] != nil {
			refuse(msgs[i], errs[j])
			continue
		}
		saves[i] = cmds[j]
	}
	if len(dead) > 0 {
		pipe.XAck(ctx, purchases.Stream, purchases.ConsumerGroup, dead...)
	}
	_, err = pipe.Exec(ctx)
	var replyErr redis.Error
	if err != nil && (!errors.As(err, &replyErr) || redis.HasErrorPrefix(err, "NOSCRIPT")) {
		return fmt.Errorf("ingest: store batch: %w", err) // nothing acknowledged: all stay pending
	}
	stored := 0
	refused := p.rdb.Pipeline()
	for i, cmd := range saves {
		if cmd == nil {
			continue
		}
		n, err := cmd.Int()
		if redis.HasErrorPrefix(err, "INVALID") {
			// save.lua refused an input, having written nothing: retrying
			// would not change its mind (Redis's clock disagreed with ours).
			p.opt.Logger.Warn("ingest: save refused, moved to dead letters", "id", msgs[i].ID, "err", err)
			queueDeadLetter(ctx, refused, msgs[i], err.Error())
			refused.XAck(ctx, purchases.Stream, purchases.ConsumerGroup, msgs[i].ID)
			continue
		}
		if err != nil {
			p.opt.Logger.Warn("ingest: save failed, left pending for retry", "id", msgs[i].ID, "err", err)
			continue
		}
		stored += n
	}
	p.opt.Stored(stored)
	if refused.Len() > 0 {
		if _, err := refused.Exec(ctx); err != nil {
			return fmt.Errorf("ingest: dead-letter refused saves: %w", err)
		}
	}
	return nil
}

// decodeFeedItem reads the feed item an entry of the purchases stream
// carries: the feed's JSON in the field "item", with its purchase id in
// "id".
func decodeFeedItem(m redis.XMessage) (feed.Item, error) {
	raw, _ := m.Values["item"].(string)
	if raw == "" {
		return feed.Item{}, errors.New("entry has no item field")
	}
	var it feed.Item
	if err := json.Unmarshal([]byte(raw), &it); err != nil {
		return feed.Item{}, fmt.Errorf("decode item: %w", err)
	}
	it.ID, _ = m.Values["id"].(string)
	return it, nil
}
