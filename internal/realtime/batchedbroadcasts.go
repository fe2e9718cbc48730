package realtime

import (
	"context"
	"time"

	"github.com/beatsbyredis/beats/internal/retry"
)

// Batched broadcasts: with thousands of sockets, the tailer holds its next
// read until the clients have taken the last message, so that what arrives
// meanwhile goes out as one message. It buys the p99 of live purchases at
// 1,000 to 5,000 clients (BENCHMARKS.md, "Optimizations kept").
//
// Plain version: broadcast what each XREAD returns at once (a nil pacer).

// pacer decides how long the tailer waits before its next read.
type pacer struct {
	// backlog reports how many clients still have a message queued, of how
	// many there are (Hub.Backlog).
	backlog func() (waiting, total int)
	minGap  time.Duration // the least time between two broadcasts
	maxHold time.Duration // the longest a read is held
}

// pacePoll is how often hold looks at the clients' queues.
const pacePoll = 2 * time.Millisecond

// hold waits, after a broadcast, until the clients have taken it from their
// queues (all but 1 %) and minGap has passed since it, but never longer
// than maxHold after it. With thousands of sockets each broadcast costs a
// write per socket: reading again while the last message is still being
// written queues messages behind each other, and a broadcast per purchase
// (200 a second) spends the CPU on write calls. In the fan-out bench's
// floor (a server with no application in it) rounds back to back and
// rounds 25–60 ms apart come out within the noise of each other with
// thousands of clients, so minGap is 25 ms: it adds at most 25 ms, keeps a
// broadcast per purchase (200 a second in the bench) down to 40, and a
// server that receives nothing holds nothing. A nil pacer never holds.
func (p *pacer) hold(ctx context.Context, lastBroadcast time.Time) {
	if p == nil || lastBroadcast.IsZero() {
		return
	}
	deadline := lastBroadcast.Add(p.maxHold)
	for time.Now().Before(deadline) {
		waiting, total := p.backlog()
		if waiting <= total/100 {
			_ = retry.Sleep(ctx, time.Until(lastBroadcast.Add(min(p.minGap, p.maxHold))))
			return
		}
		if retry.Sleep(ctx, pacePoll) != nil {
			return
		}
	}
}
