package main

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/gorilla/websocket"

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
	Full         int64         `json:"sockets_full"` // sockets whose send buffer filled up (then skipped)
	Result       clientResult  `json:"result"`
}

// floorServer accepts WebSocket handshakes and keeps each socket's
// descriptor for raw writes.
type floorServer struct {
	ln  net.Listener
	srv *http.Server
	mu  sync.Mutex
	fds []int
}

func startFloorServer() (*floorServer, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	f := &floorServer{ln: ln}
	up := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	f.srv = &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		fd, err := dupFD(conn.NetConn())
		_ = conn.NetConn().Close() // the duplicate keeps the socket open
		if err != nil {
			return
		}
		f.mu.Lock()
		f.fds = append(f.fds, fd)
		f.mu.Unlock()
	}), ReadHeaderTimeout: 10 * time.Second}
	go f.srv.Serve(ln)
	return f, nil
}

// closeAll closes every socket; the server keeps listening for the next run.
func (f *floorServer) closeAll() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, fd := range f.fds {
		_ = syscall.Close(fd)
	}
	f.fds = nil
}

func (f *floorServer) close() {
	f.closeAll()
	_ = f.srv.Close()
}

// runFloor sends rate purchases a second for dur to clients sockets, one
// round at least every interval (0: back to back).
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
	// A client sees the handshake's answer a moment before its socket is
	// on the list.
	var fds []int
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		f.mu.Lock()
		fds = append(fds[:0], f.fds...)
		f.mu.Unlock()
		if len(fds) >= load.Connected || time.Now().After(deadline) {
			break
		}
	}

	// made holds the JSON of each purchase made and not yet sent.
	var mu sync.Mutex
	var made [][]byte
	wake := make(chan struct{}, 1)
	go func() {
		every := time.Duration(float64(time.Second) / rate)
		start := time.Now()
		for i := range total {
			if retry.Sleep(ctx, time.Until(start.Add(time.Duration(i)*every))) != nil {
				return
			}
			p := purchases.Normalize(benchItem(i, time.Now()))
			b, _ := json.Marshal(p)
			mu.Lock()
			made = append(made, b)
			mu.Unlock()
			select {
			case wake <- struct{}{}:
			default:
			}
		}
	}()

	prog := startProgress(fmt.Sprintf("fan-out floor: purchases sent to %d clients", len(fds)), int64(total))
	writers := runtime.GOMAXPROCS(0)
	cpu0 := [2]time.Duration{cpuTime(syscall.Getpid()), cpuTime(load.pid())}
	start := time.Now()
	var full atomic.Int64
	broken := make([]bool, len(fds))
	var bytesSent float64
	var lastRound time.Time
	for sent := 0; sent < total; {
		select {
		case <-wake:
		case <-ctx.Done():
			return run, ctx.Err()
		}
		time.Sleep(time.Until(lastRound.Add(interval)))
		lastRound = time.Now()
		mu.Lock()
		batch := made
		made = nil
		mu.Unlock()
		if len(batch) == 0 {
			continue
		}
		frame := floorFrame(batch)
		var wg sync.WaitGroup
		for w := range writers {
			wg.Go(func() {
				for i := w; i < len(fds); i += writers {
					if !broken[i] && !writeAll(fds[i], frame) {
						broken[i] = true
						full.Add(1)
					}
				}
			})
		}
		wg.Wait()
		sent += len(batch)
		prog.add(int64(len(batch)))
		run.Rounds++
		bytesSent += float64(len(frame))
	}
	sending := time.Since(start)
	prog.end()
	drained := load.drain(total)
	cpu1 := [2]time.Duration{cpuTime(syscall.Getpid()), cpuTime(load.pid())}
	el := (sending + drained).Seconds()
	run.ServerCPU = (cpu1[0] - cpu0[0]).Seconds() / el
	run.ClientCPU = (cpu1[1] - cpu0[1]).Seconds() / el
	if writes := run.Rounds * len(fds); writes > 0 {
		run.WriteCPU = (cpu1[0] - cpu0[0]) / time.Duration(writes)
		run.ReadCPU = (cpu1[1] - cpu0[1]) / time.Duration(writes)
		run.MessageBytes = bytesSent / float64(run.Rounds)
	}
	run.Full = full.Load()
	run.Sent = total
	if run.Result, err = load.stop(total); err != nil {
		return run, err
	}
	run.P50, run.P99, run.Max = run.Result.Latency.summary()
	return run, nil
}

// floorFrame is the app's live message, {"purchases":[...]} newest first,
// as one unmasked WebSocket text frame.
func floorFrame(batch [][]byte) []byte {
	n := len(`{"purchases":[]}`) + len(batch) - 1 // the commas
	for _, b := range batch {
		n += len(b)
	}
	var frame []byte
	switch {
	case n < 126:
		frame = []byte{0x81, byte(n)}
	case n <= 0xffff:
		frame = binary.BigEndian.AppendUint16([]byte{0x81, 126}, uint16(n))
	default:
		frame = binary.BigEndian.AppendUint64([]byte{0x81, 127}, uint64(n))
	}
	frame = append(frame, `{"purchases":[`...)
	for i := len(batch) - 1; i >= 0; i-- {
		frame = append(frame, batch[i]...)
		if i > 0 {
			frame = append(frame, ',')
		}
	}
	return append(frame, "]}"...)
}

// writeAll writes b to a non-blocking socket; false when its send buffer
// is full (a client that does not keep up, which the floor skips from then on).
func writeAll(fd int, b []byte) bool {
	for len(b) > 0 {
		n, err := syscall.Write(fd, b)
		switch {
		case errors.Is(err, syscall.EINTR):
			continue
		case err != nil:
			return false
		}
		b = b[n:]
	}
	return true
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

func addFloor(res *results, runs []floorRun) {
	const s = "2 fan-out floor"
	best := runs[0]
	for _, r := range runs {
		res.Findings = append(res.Findings, fmt.Sprintf("fan-out floor, rounds %s: p50 %.1f ms, p99 %.1f ms, max %.1f ms; %d rounds of %.0f B; CPU in cores: server %.2f, clients %.2f; %.1f µs server CPU per write, %.1f µs client CPU per message; %d sockets full, %d purchases missed",
			intervalName(r.Interval), ms(r.P50), ms(r.P99), ms(r.Max), r.Rounds, r.MessageBytes, r.ServerCPU, r.ClientCPU,
			float64(r.WriteCPU.Nanoseconds())/1000, float64(r.ReadCPU.Nanoseconds())/1000, r.Full, r.Result.MissingOpen+r.Result.MissingClosed))
		if r.Result.Latency.N > 0 && r.P99 < best.P99 {
			best = r
		}
	}
	res.info(s, fmt.Sprintf("best p99 of a raw write(2) server, %d clients (rounds %s)", best.Clients, intervalName(best.Interval)), ms(best.P99), "ms")
	res.info(s, "its p50", ms(best.P50), "ms")
	if app, ok := res.Details["fanout_latency_ms"].(map[string]float64); ok && best.P99 > 0 && best.Clients == appClients(res) {
		res.info(s, "the app's p99 over this floor", app["p99"]/ms(best.P99), "×")
	}
	res.detail("fanout_floor", runs)
}

// appClients is how many sockets the app's fan-out run had, 0 without one.
func appClients(res *results) int {
	if r, ok := res.Details["fanout"].(fanoutRun); ok {
		return r.Clients
	}
	return 0
}

func intervalName(d time.Duration) string {
	if d == 0 {
		return "back to back"
	}
	return "every " + d.String()
}
