package main

import (
	"fmt"
	"os"
	"sync/atomic"
	"time"
)

// progress prints "label: done/total (rate/s)" every couple of seconds while
// a long step runs, so a run is never silent.
type progress struct {
	label string
	total int64
	done  atomic.Int64
	start time.Time
	stop  chan struct{}
	ended chan struct{}
}

func startProgress(label string, total int64) *progress {
	p := &progress{label: label, total: total, start: time.Now(), stop: make(chan struct{}), ended: make(chan struct{})}
	go func() {
		defer close(p.ended)
		t := time.NewTicker(2 * time.Second)
		defer t.Stop()
		for {
			select {
			case <-p.stop:
				return
			case <-t.C:
				p.print()
			}
		}
	}()
	return p
}

func (p *progress) add(n int64) { p.done.Add(n) }
func (p *progress) set(n int64) { p.done.Store(n) }

func (p *progress) print() {
	n := p.done.Load()
	el := time.Since(p.start).Seconds()
	rate := float64(n) / max(el, 1e-9)
	if p.total > 0 {
		fmt.Fprintf(os.Stderr, "  %s: %s/%s (%.0f%%) %s/s, %.0fs\n", p.label, commas(n), commas(p.total), 100*float64(n)/float64(p.total), commas(int64(rate)), el)
	} else {
		fmt.Fprintf(os.Stderr, "  %s: %s, %.0fs\n", p.label, commas(n), el)
	}
}

// end stops the ticker and prints the final line.
func (p *progress) end() {
	close(p.stop)
	<-p.ended
	p.print()
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "[%s load %.1f] "+format+"\n", append([]any{time.Now().Format("15:04:05"), loadavg()}, args...)...)
}
