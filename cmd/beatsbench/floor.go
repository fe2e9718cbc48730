package main

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/beatsbyredis/beats/internal/purchases"
	"github.com/beatsbyredis/beats/internal/retry"
)

// The fan-out floor (beatsbench --only fanout-floor) is what this machine
// allows any server at all: no application, no Redis, no goroutine per
// socket. Purchases are made at the same rate with the app's own JSON, each
// round frames every purchase made since the last round into one message
// once, and one goroutine per core writes it with raw write(2) to its share
// of the sockets. The load generator is the fan-out's own. Rounds run back
// to back, or start at a fixed interval; the best p99 over the intervals is
// the lowest any server could reach on this machine with these clients.

type floorRun struct {
	Interval     time.Duration `json:"interval_ns"` // 0: each round starts when the last ends
	Clients      int           `json:"clients"`
	Sent         int           `json:"sent"`
	Rounds       int           `json:"rounds"`
	MessageBytes float64       `json:"message_bytes"` // mean frame size
	P50, P99     time.Duration `json:"-"`
	Max          time.Duration `json:"-"`
	ServerCPU    float64       `json:"server_cpu_cores"`
	ClientCPU    float64       `json:"client_cpu_cores"`
	WriteCPU     time.Duration `json:"server_cpu_per_write_ns"`
	ReadCPU      time.Duration `json:"client_cpu_per_message_ns"`
	Stopped      int64         `json:"sockets_stopped"` // sockets found full or broken, then written no more
	Result       clientResult  `json:"result"`
}

// runFloor sends rate purchases a second for dur to clients sockets, in
// rounds that start at least interval apart (0: back to back).
func runFloor(ctx context.Context, f *floorServer, clients int, dur time.Duration, rate float64, interval time.Duration) (floorRun, error) {
	run := floorRun{Interval: interval, Clients: clients}
	total := int(rate * dur.Seconds())
	addr := f.ln.Addr().String()
	load, err := startLoad(ctx, addr, "http://"+addr, "", clients, total)
	if err != nil {
		return run, err
	}
	defer load.kill()
	defer f.closeAll()
	rounds := &floorRounds{fds: f.waitFor(load.Connected, 10*time.Second)}
	rounds.stopped = make([]bool, len(rounds.fds))
	made := startMaking(ctx, total, rate)

	prog := startProgress(fmt.Sprintf("fan-out floor: purchases sent to %d clients", len(rounds.fds)), int64(total))
	cpu0 := [2]time.Duration{cpuTime(syscall.Getpid()), cpuTime(load.pid())}
	start := time.Now()
	var lastRound time.Time
	for sent := 0; sent < total; {
		select {
		case <-made.wake:
		case <-ctx.Done():
			return run, ctx.Err()
		}
		time.Sleep(time.Until(lastRound.Add(interval)))
		lastRound = time.Now()
		batch := made.take()
		if len(batch) == 0 {
			continue // its wake-up was for purchases the last round took
		}
		rounds.send(floorFrame(batch))
		sent += len(batch)
		prog.add(int64(len(batch)))
	}
	sending := time.Since(start)
	prog.end()
	drained := load.drain(total)
	cpu1 := [2]time.Duration{cpuTime(syscall.Getpid()), cpuTime(load.pid())}
	el := (sending + drained).Seconds()
	run.ServerCPU = (cpu1[0] - cpu0[0]).Seconds() / el
	run.ClientCPU = (cpu1[1] - cpu0[1]).Seconds() / el
	run.Rounds, run.Stopped, run.Sent = rounds.n, rounds.stoppedN, total
	if writes := rounds.n * len(rounds.fds); writes > 0 {
		run.WriteCPU = (cpu1[0] - cpu0[0]) / time.Duration(writes)
		run.ReadCPU = (cpu1[1] - cpu0[1]) / time.Duration(writes)
		run.MessageBytes = float64(rounds.bytes) / float64(rounds.n)
	}
	if run.Result, err = load.stop(total); err != nil {
		return run, err
	}
	run.P50, run.P99, run.Max = run.Result.Latency.summary()
	return run, nil
}

// floorRounds writes each round's frame to every socket, from one goroutine
// per core, each with its share of the sockets.
type floorRounds struct {
	fds      []int
	stopped  []bool // full or broken: written no more; index i is only touched by writer i % writers
	stoppedN int64
	n        int
	bytes    int
}

func (r *floorRounds) send(frame []byte) {
	writers := runtime.GOMAXPROCS(0)
	var stopped atomic.Int64
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := w; i < len(r.fds); i += writers {
				if !r.stopped[i] && writeAll(r.fds[i], frame) != nil {
					r.stopped[i] = true
					stopped.Add(1)
				}
			}
		})
	}
	wg.Wait()
	r.stoppedN += stopped.Load()
	r.n++
	r.bytes += len(frame)
}

// purchaseMaker makes the floor's purchases at a steady rate; wake gets a
// signal after each one (one pending signal is enough: take empties all).
type purchaseMaker struct {
	mu   sync.Mutex
	made [][]byte // the JSON of each purchase made and not yet taken
	wake chan struct{}
}

func startMaking(ctx context.Context, total int, rate float64) *purchaseMaker {
	m := &purchaseMaker{wake: make(chan struct{}, 1)}
	go func() {
		every := time.Duration(float64(time.Second) / rate)
		start := time.Now()
		for i := range total {
			if retry.Sleep(ctx, time.Until(start.Add(time.Duration(i)*every))) != nil {
				return
			}
			b, _ := json.Marshal(purchases.Normalize(benchItem(i, time.Now())))
			m.mu.Lock()
			m.made = append(m.made, b)
			m.mu.Unlock()
			select {
			case m.wake <- struct{}{}:
			default:
			}
		}
	}()
	return m
}

// take returns the purchases made since the last take, oldest first.
func (m *purchaseMaker) take() [][]byte {
	m.mu.Lock()
	defer m.mu.Unlock()
	batch := m.made
	m.made = nil
	return batch
}

// floorPart runs the floor at each interval and adds the figures.
func floorPart(ctx context.Context, res *results, sz sizes) error {
	f, err := startFloorServer()
	if err != nil {
		return err
	}
	defer f.close()
	var runs []floorRun
	for _, iv := range []time.Duration{0, 25 * time.Millisecond, 40 * time.Millisecond, 60 * time.Millisecond} {
		logf("2. fan-out floor: raw write(2) to %d sockets, %.0f purchases/s for %s, rounds every %s (0: back to back)", sz.Clients, sz.FanoutRate, sz.FloorFor, iv)
		r, err := runFloor(ctx, f, sz.Clients, sz.FloorFor, sz.FanoutRate, iv)
		if err != nil {
			return fmt.Errorf("fan-out floor: %w", err)
		}
		runs = append(runs, r)
	}
	addFloor(res, runs)
	return nil
}
