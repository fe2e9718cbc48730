package main

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/beatsbyredis/beats/internal/feed"
	"github.com/beatsbyredis/beats/internal/ingest"
)

// stageRun is one stage of the pipeline timed alone, to find which one
// bounds the whole.
type stageRun struct {
	Stage     string  `json:"stage"`
	Purchases int     `json:"purchases"`
	PerSecond float64 `json:"per_second"`
	RedisCPU  float64 `json:"redis_cpu_cores"`
	BenchCPU  float64 `json:"bench_cpu_cores"`
}

// publishOnly times the publishers with no processor running.
func publishOnly(ctx context.Context, sales []feed.Sale, n int) (stageRun, error) {
	st, err := startStack(ctx)
	if err != nil {
		return stageRun{}, err
	}
	defer st.close()
	pub := ingest.NewPublisher(st.rdb)
	queue := make(chan feed.Sale, 1024)
	var wg sync.WaitGroup
	var failed atomic.Value
	cpu := startCPU(ctx, st)
	start := time.Now()
	for range publishers {
		wg.Go(func() {
			for s := range queue {
				if err := pub.Publish(ctx, s); err != nil {
					failed.Store(err)
				}
			}
		})
	}
	for _, s := range sales {
		queue <- s
	}
	close(queue)
	wg.Wait()
	el := time.Since(start)
	r := stageRun{Stage: fmt.Sprintf("publish alone, %d publishers", publishers), Purchases: n, PerSecond: float64(n) / el.Seconds()}
	r.RedisCPU, r.BenchCPU = cpu.stop()
	if err, ok := failed.Load().(error); ok {
		return r, err
	}
	return r, nil
}

// processOnly publishes up to 90,000 purchases (under the stream's MAXLEN,
// so none is trimmed unread), then times `processors` draining them.
func processOnly(ctx context.Context, sales []feed.Sale, processors int) (stageRun, error) {
	st, err := startStack(ctx)
	if err != nil {
		return stageRun{}, err
	}
	defer st.close()
	pub := ingest.NewPublisher(st.rdb)
	n := 0
	for _, s := range sales {
		if n+len(s.Items) > 90_000 {
			break
		}
		if err := pub.Publish(ctx, s); err != nil {
			return stageRun{}, err
		}
		n += len(s.Items)
	}
	var stored atomic.Int64
	done := make(chan struct{})
	var once sync.Once
	pctx, stop := context.WithCancel(ctx)
	defer stop()
	var procs sync.WaitGroup
	cpu := startCPU(ctx, st)
	start := time.Now()
	for i := range processors {
		p := ingest.NewProcessor(st.rdb, newSaver(st.rdb), ingest.ProcessorOptions{
			Consumer: fmt.Sprintf("bench-%d", i),
			Stored: func(k int) {
				if stored.Add(int64(k)) >= int64(n) {
					once.Do(func() { close(done) })
				}
			},
		})
		procs.Go(func() { _ = p.Run(pctx) })
	}
	select {
	case <-done:
	case <-time.After(10 * time.Minute):
		return stageRun{}, fmt.Errorf("process alone: %d of %d stored", stored.Load(), n)
	}
	el := time.Since(start)
	r := stageRun{Stage: fmt.Sprintf("process alone, %d processor(s), stream filled first", processors), Purchases: n, PerSecond: float64(n) / el.Seconds()}
	r.RedisCPU, r.BenchCPU = cpu.stop()
	stop()
	procs.Wait()
	return r, nil
}
