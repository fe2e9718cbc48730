package ingest_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/beatsbyredis/beats/internal/ingest"
	"github.com/beatsbyredis/beats/internal/purchases"
)

// TestReadOnceStoresABacklogInOneCall: with more entries than one batch, a
// ReadOnce stores them all (storing a batch, then reading the next), even
// when Redis first answers NOSCRIPT (its script cache empty).
func TestReadOnceStoresABacklogInOneCall(t *testing.T) {
	ctx := context.Background()
	rdb, pub := setup(t)
	now := time.Now()
	for i := range 130 { // 260 entries; the test processor reads 200 a batch
		if err := pub.Publish(ctx, sale(now.Add(-time.Duration(i)*time.Second), "a", "b")); err != nil {
			t.Fatal(err)
		}
	}
	if err := rdb.ScriptFlush(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	n, err := processor(rdb, "p").ReadOnce(ctx)
	if err != nil || n != 260 {
		t.Fatalf("ReadOnce = %d, %v; want 260", n, err)
	}
	if pending := rdb.XPending(ctx, purchases.Stream, purchases.ConsumerGroup).Val().Count; pending != 0 {
		t.Fatalf("%d entries left pending", pending)
	}
	assertStored(t, rdb, 260)
}

// TestReadOnceGivesEachStepItsOwnDeadline: under a backlog, every read and
// every batch's store has a deadline of its own, set when it starts and at
// most 10 s (plus the BLOCK) ahead, rather than one deadline that the
// first batches may use up for all the others.
func TestReadOnceGivesEachStepItsOwnDeadline(t *testing.T) {
	ctx := context.Background()
	rdb, pub := setup(t)
	now := time.Now()
	for i := range 15 { // 30 entries: three batches of 10
		if err := pub.Publish(ctx, sale(now.Add(-time.Duration(i)*time.Second), "a", "b")); err != nil {
			t.Fatal(err)
		}
	}
	if err := purchases.LoadScript(ctx, rdb); err != nil { // no NOSCRIPT retry among the stores
		t.Fatal(err)
	}
	steps := &deadlines{}
	rdb.AddHook(steps)
	p := ingest.NewProcessor(rdb, purchases.NewSaver(rdb, time.Hour), ingest.ProcessorOptions{
		Consumer: "p", Batch: 10, Block: 10 * time.Millisecond,
	})
	if n, err := p.ReadOnce(ctx); err != nil || n != 30 {
		t.Fatalf("ReadOnce = %d, %v; want 30", n, err)
	}
	reads, stores := steps.of("xreadgroup"), steps.of("evalsha")
	if len(reads) < 3 || len(stores) != 3 {
		t.Fatalf("%d reads and %d stores seen, want 3 or more and 3", len(reads), len(stores))
	}
	for _, s := range append(reads, stores...) {
		if !s.has {
			t.Fatalf("a %s ran without a deadline", s.cmd)
		}
		if left := s.deadline.Sub(s.at); left <= 0 || left > 10*time.Second+10*time.Millisecond {
			t.Fatalf("a %s had %v left, want at most 10 s (and the BLOCK)", s.cmd, left)
		}
	}
	for i := 1; i < len(stores); i++ {
		if !stores[i].deadline.After(stores[i-1].deadline) {
			t.Fatalf("batch %d shares the deadline of the batch before (%v)", i+1, stores[i].deadline)
		}
	}
}

// deadlines is a go-redis hook that notes, for each command or pipeline
// sent, its context's deadline.
type deadlines struct {
	mu    sync.Mutex
	steps []step
}

type step struct {
	cmd          string // the first command's name
	at, deadline time.Time
	has          bool
}

func (d *deadlines) note(ctx context.Context, cmds []redis.Cmder) {
	dl, ok := ctx.Deadline()
	d.mu.Lock()
	defer d.mu.Unlock()
	d.steps = append(d.steps, step{cmd: cmds[0].Name(), at: time.Now(), deadline: dl, has: ok})
}

func (d *deadlines) of(name string) []step {
	d.mu.Lock()
	defer d.mu.Unlock()
	var out []step
	for _, s := range d.steps {
		if s.cmd == name {
			out = append(out, s)
		}
	}
	return out
}

func (d *deadlines) DialHook(next redis.DialHook) redis.DialHook { return next }

func (d *deadlines) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		d.note(ctx, []redis.Cmder{cmd})
		return next(ctx, cmd)
	}
}

func (d *deadlines) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		if len(cmds) > 0 {
			d.note(ctx, cmds)
		}
		return next(ctx, cmds)
	}
}
