package main

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"github.com/beatsbyredis/beats/internal/feed"
	"github.com/beatsbyredis/beats/internal/ingest"
	"github.com/beatsbyredis/beats/internal/purchases"
)

const maxBacklog = 50_000 // published but not yet stored: bounds the stream, as a live feed would

// publishers is how many goroutines call Publisher.PublishMany, each with
// up to publishBatch sales that are waiting (feed.RunBatched's batch size).
var publishers = 4

const publishBatch = 32

type pipelineRun struct {
	Processors int                `json:"processors"`
	Publishers int                `json:"publishers"`
	Purchases  int                `json:"purchases"`
	Elapsed    time.Duration      `json:"elapsed_ns"`
	PerSecond  float64            `json:"per_second"`
	MaxBacklog int64              `json:"max_backlog"`
	RedisCPU   float64            `json:"redis_cpu_cores"` // Redis CPU seconds per second of the run
	BenchCPU   float64            `json:"bench_cpu_cores"` // this process: publishers and processors
	Commands   map[string]cmdStat `json:"commandstats"`
	Check      storeCheck         `json:"check"`
}

// runPipeline sends sales through the whole app pipeline on a fresh Redis:
// Publisher.PublishMany (XADD to purchases) and `processors` Processors (the
// consumer group: XREADGROUP, EVALSHA save, XACK), timed from the first XADD
// to the ack that completes the last purchase.
// prep, when not nil, readies the fresh stack first (the watchlist part
// loads its terms).
func runPipeline(ctx context.Context, sales []feed.Sale, n, processors int, prep func(context.Context, *stack) error) (pipelineRun, error) {
	st, err := startStack(ctx)
	if err != nil {
		return pipelineRun{}, err
	}
	defer st.close()
	if prep != nil {
		if err := prep(ctx, st); err != nil {
			return pipelineRun{}, err
		}
	}
	run := pipelineRun{Processors: processors, Publishers: publishers, Purchases: n}

	var stored, published, maxLag atomic.Int64
	prog := startProgress(fmt.Sprintf("ingest pipeline, %d processor(s): stored", processors), int64(n))
	done := make(chan struct{})
	var once sync.Once
	pctx, stop := context.WithCancel(ctx)
	defer stop()
	var procs sync.WaitGroup
	for i := range processors {
		p := ingest.NewProcessor(st.rdb, newSaver(st.rdb), ingest.ProcessorOptions{
			Consumer: fmt.Sprintf("bench-%d", i),
			Stored: func(k int) {
				prog.add(int64(k))
				if stored.Add(int64(k)) >= int64(n) {
					once.Do(func() { close(done) })
				}
			},
		})
		procs.Go(func() { _ = p.Run(pctx) })
	}
	time.Sleep(300 * time.Millisecond) // let the processors reach their first XREADGROUP

	pub := ingest.NewPublisher(st.rdb)
	cpu := startCPU(ctx, st)
	_ = st.rdb.ConfigResetStat(ctx).Err()
	queue := make(chan feed.Sale, 1024)
	errs := make(chan error, publishers)
	var pubs sync.WaitGroup
	start := time.Now()
	for range publishers {
		pubs.Go(func() {
			batch := make([]feed.Sale, 0, publishBatch)
			for sale := range queue {
				// As the app's feed does (feed.RunBatched): every sale
				// already waiting goes out in the same round trip.
				batch = feed.AppendReady(append(batch[:0], sale), queue, publishBatch)
				items := 0
				for _, s := range batch {
					items += len(s.Items)
				}
				for lag := published.Load() - stored.Load(); lag > maxBacklog; lag = published.Load() - stored.Load() {
					time.Sleep(time.Millisecond)
				}
				if err := pub.PublishMany(pctx, batch); err != nil {
					errs <- err
					return
				}
				lag := published.Add(int64(items)) - stored.Load()
				for old := maxLag.Load(); lag > old && !maxLag.CompareAndSwap(old, lag); old = maxLag.Load() {
				}
			}
		})
	}
	go func() {
		defer close(queue)
		for _, s := range sales {
			select {
			case queue <- s:
			case <-pctx.Done():
				return
			}
		}
	}()
	timeout := time.NewTimer(15 * time.Minute)
	defer timeout.Stop()
	select {
	case <-done:
	case err := <-errs:
		return run, fmt.Errorf("publish: %w", err)
	case <-timeout.C:
		return run, fmt.Errorf("ingest: only %d of %d stored after 15 minutes", stored.Load(), n)
	case <-ctx.Done():
		return run, ctx.Err()
	}
	run.Elapsed = time.Since(start)
	run.RedisCPU, run.BenchCPU = cpu.stop()
	run.Commands = commandStats(ctx, st.rdb)
	prog.end()
	pubs.Wait()
	stop()
	procs.Wait()
	run.PerSecond = float64(n) / run.Elapsed.Seconds()
	run.MaxBacklog = maxLag.Load()
	run.Check, err = checkStore(ctx, st, sales, n)
	if err != nil {
		return run, err
	}
	run.Check.NewReported = stored.Load()
	if !run.Check.ok(n) {
		return run, fmt.Errorf("ingest: exactly-once check failed: %+v", run.Check)
	}
	return run, nil
}

// storeCheck is what Redis holds after an ingest run.
type storeCheck struct {
	Docs        int64   `json:"docs"`         // FT.INFO num_docs
	Pending     int64   `json:"pending"`      // XPENDING of the group
	SeriesCount float64 `json:"series_count"` // sum of sales_ts
	TopUSD      float64 `json:"top_usd"`      // sum of top-sellers
	WantUSD     float64 `json:"want_usd"`     // sum of the purchases' amounts
	NewReported int64   `json:"new_reported"` // what the save scripts reported as new
}

func (c storeCheck) ok(n int) bool {
	d := c.TopUSD - c.WantUSD
	return c.Docs == int64(n) && c.Pending == 0 && c.SeriesCount == float64(n) &&
		math.Abs(d) < 0.01+1e-6*float64(n) && (c.NewReported == 0 || c.NewReported == int64(n))
}

// checkStore verifies the exactly-once guarantee: every purchase stored
// once, counted once in the series and the sorted set, nothing pending.
func checkStore(ctx context.Context, st *stack, sales []feed.Sale, n int) (storeCheck, error) {
	var c storeCheck
	fi, err := ftInfo(ctx, st.rdb)
	if err != nil {
		return c, err
	}
	c.Docs = int64(num(fi["num_docs"]))
	pend, err := st.rdb.XPending(ctx, purchases.Stream, purchases.ConsumerGroup).Result()
	if err != nil {
		return c, err
	}
	c.Pending = pend.Count
	rows, err := st.rdb.Do(ctx, "TS.RANGE", purchases.SalesSeries, "-", "+").Slice()
	if err != nil {
		return c, err
	}
	for _, r := range rows {
		if pair, ok := r.([]any); ok && len(pair) == 2 {
			c.SeriesCount += num(pair[1])
		}
	}
	zs, err := st.rdb.ZRangeWithScores(ctx, purchases.TopSellers, 0, -1).Result()
	if err != nil {
		return c, err
	}
	for _, z := range zs {
		c.TopUSD += z.Score
	}
	for _, s := range sales {
		for _, it := range s.Items {
			c.WantUSD += float64(int64(purchases.Normalize(it).AmountPaidUSD*100+0.5)) / 100
		}
	}
	if c.Docs == 0 {
		return c, errors.New("ingest: nothing stored")
	}
	return c, nil
}
