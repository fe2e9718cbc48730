package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/beatsbyredis/beats/internal/feed"
	"github.com/beatsbyredis/beats/internal/ingest"
	"github.com/beatsbyredis/beats/internal/purchases"
	"github.com/beatsbyredis/beats/internal/watchlist"
)

const (
	limitBatch = 200 // purchases per XREADGROUP and XACK, as the processor reads them
	limitDepth = 64  // batches in flight on the connection (about 25,000 commands)
)

type limitRun struct {
	Purchases int                `json:"purchases"`
	Sent      int                `json:"commands_sent"`
	Bytes     int                `json:"bytes"`
	Elapsed   time.Duration      `json:"elapsed_ns"`
	PerSecond float64            `json:"per_second"`
	RedisCPU  float64            `json:"redis_cpu_cores"`
	BenchCPU  float64            `json:"bench_cpu_cores"`
	Commands  map[string]cmdStat `json:"commandstats"`
	Check     storeCheck         `json:"check"`
}

// runLimit measures the Redis-bound limit: for every purchase the very
// commands the app sends (captured from Publisher.Publish, from
// Saver.QueueBatch as the processor calls it, with the matcher's reads,
// and the processor's XREADGROUP), encoded before the clock starts and
// written on one connection with deep pipelining: per batch of 200
// purchases, 200 XADD (the publisher's arguments, with an explicit id
// instead of "*" so that the save script can acknowledge the entry by id),
// one XREADGROUP COUNT 200 (no BLOCK), the matcher's 200 SUNION and 200
// EVALSHA of the save script, each of which also XACKs its entry. The
// matcher reads the stack prep readied (the terms watched), so the saves
// carry the matches the app's would. Timed from the first byte written to
// the last reply read. prep is runPipeline's.
func runLimit(ctx context.Context, sales []feed.Sale, n int, prep func(context.Context, *stack) error) (limitRun, error) {
	st, err := startStack(ctx)
	if err != nil {
		return limitRun{}, err
	}
	defer st.close()
	if prep != nil {
		if err := prep(ctx, st); err != nil {
			return limitRun{}, err
		}
	}
	chunks, commands, size, err := encodeLimit(ctx, sales, st)
	if err != nil {
		return limitRun{}, err
	}
	run := limitRun{Purchases: n, Sent: commands, Bytes: size}

	conn, err := net.Dial("tcp", st.srv.Addr())
	if err != nil {
		return run, err
	}
	defer conn.Close()
	prog := startProgress("Redis-bound limit: stored", int64(n))
	inflight := make(chan struct{}, limitDepth)
	werr := make(chan error, 1)
	cpu := startCPU(ctx, st)
	_ = st.rdb.ConfigResetStat(ctx).Err()
	start := time.Now()
	go func() {
		w := bufio.NewWriterSize(conn, 1<<20)
		for _, c := range chunks {
			inflight <- struct{}{}
			if _, err := w.Write(c.bytes); err != nil {
				werr <- err
				return
			}
			if err := w.Flush(); err != nil {
				werr <- err
				return
			}
		}
		werr <- nil
	}()
	r := bufio.NewReaderSize(conn, 1<<20)
	var stored int64
	for _, c := range chunks {
		for i := range 2*c.items + 1 + c.reads {
			rep, err := readReply(r)
			if err != nil {
				return run, fmt.Errorf("limit: read: %w", err)
			}
			if rep.kind == '-' {
				return run, fmt.Errorf("limit: Redis error: %s", rep.text)
			}
			if i > c.items+c.reads && rep.kind == ':' {
				stored += rep.n
			}
		}
		prog.add(int64(c.items))
		<-inflight
	}
	run.Elapsed = time.Since(start)
	run.RedisCPU, run.BenchCPU = cpu.stop()
	run.Commands = commandStats(ctx, st.rdb)
	prog.end()
	if err := <-werr; err != nil {
		return run, err
	}
	run.PerSecond = float64(n) / run.Elapsed.Seconds()
	if stored != int64(n) {
		return run, fmt.Errorf("limit: %d stored of %d", stored, n)
	}
	run.Check, err = checkStore(ctx, st, sales, n)
	if err == nil && !run.Check.ok(n) {
		err = fmt.Errorf("limit: store check failed: %+v", run.Check)
	}
	return run, err
}

type limitChunk struct {
	bytes []byte
	items int
	reads int // the matcher's SUNION, one for each item
}

// encodeLimit captures and encodes the commands, one chunk per batch; the
// matcher reads st (and its reads are recorded too).
func encodeLimit(ctx context.Context, sales []feed.Sale, st *stack) ([]limitChunk, int, int, error) {
	capt := newCapture()
	reader := newRecorder(st.rdb.Options())
	defer reader.Close()
	pub := ingest.NewPublisher(capt)
	saver := purchases.NewSaver(capt, retention).WithMatcher(watchlist.NewMatcher(reader, retention))
	var xadds, reads, saves [][]any
	for _, s := range sales {
		if err := pub.Publish(ctx, s); err != nil {
			return nil, 0, 0, err
		}
		xadds = append(xadds, capt.take()...)
		var ps []purchases.Purchase
		var ids []string
		for _, it := range s.Items {
			ps = append(ps, purchases.Normalize(it))
			ids = append(ids, fmt.Sprintf("1-%d", len(saves)+len(ids)+1)) // the entry's explicit id, below
		}
		pipe := capt.Pipeline()
		_, errs, err := saver.QueueBatch(ctx, pipe, ps, purchases.ConsumerGroup, ids)
		if err == nil {
			err = errors.Join(errs...)
		}
		if err != nil {
			return nil, 0, 0, err
		}
		if _, err := pipe.Exec(ctx); err != nil {
			return nil, 0, 0, err
		}
		saves = append(saves, capt.take()...)
		if reads = append(reads, reader.take()...); len(reads) != len(saves) {
			return nil, 0, 0, fmt.Errorf("limit: the matcher read %d times for %d purchases", len(reads), len(saves))
		}
	}
	_ = capt.XReadGroup(ctx, &redis.XReadGroupArgs{
		Group: purchases.ConsumerGroup, Consumer: "bench-limit",
		Streams: []string{purchases.Stream, ">"}, Count: limitBatch, Block: -1,
	}).Err()
	readGroup := capt.take()[0]

	var chunks []limitChunk
	commands, size := 0, 0
	for lo := 0; lo < len(xadds); lo += limitBatch {
		hi := min(lo+limitBatch, len(xadds))
		var b []byte
		for i := lo; i < hi; i++ {
			id := fmt.Sprintf("1-%d", i+1)
			args := append([]any(nil), xadds[i]...)
			for j, a := range args {
				if a == "*" {
					args[j] = id
					break
				}
			}
			b = appendCommand(b, args)
		}
		b = appendCommand(b, readGroup)
		for i := lo; i < hi; i++ {
			b = appendCommand(b, reads[i])
		}
		for i := lo; i < hi; i++ {
			b = appendCommand(b, saves[i])
		}
		chunks = append(chunks, limitChunk{bytes: b, items: hi - lo, reads: hi - lo})
		commands += 3*(hi-lo) + 1
		size += len(b)
	}
	if len(saves) != len(xadds) {
		return nil, 0, 0, fmt.Errorf("limit: %d XADD but %d saves captured", len(xadds), len(saves))
	}
	return chunks, commands, size, nil
}
