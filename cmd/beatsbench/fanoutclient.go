package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// marker tags the bench's purchases: bbseq_<seq>_<XADD time in ns>, in the
// item description, so a client finds them with a byte search.
var marker = []byte("bbseq_")

// clientResult is what the fan-out client process prints when told to stop.
type clientResult struct {
	Connected      int            `json:"connected"`
	Failed         int            `json:"failed"`
	FirstError     string         `json:"first_error,omitempty"`
	ClosedByServer int            `json:"closed_by_server"`
	CloseCodes     map[string]int `json:"close_codes"`
	Received       uint64         `json:"received"`   // bench purchases received, all clients
	Duplicates     uint64         `json:"duplicates"` // received more than once
	MissingOpen    int64          `json:"missing_open"`
	MissingClosed  int64          `json:"missing_closed"`
	OpenWithMiss   int            `json:"open_clients_missing"`
	Latency        *hist          `json:"latency"`
}

// client is one connection's tally, owned by its epoll loop; distinct and
// closed are read by the status queries.
type client struct {
	seen      []uint64 // bitmap of sequence numbers received
	distinct  atomic.Int64
	dups      uint64
	lat       *hist
	closeCode int
	closed    atomic.Bool
}

// fanoutClientMain is `beatsbench fanout-client`: it opens the sockets,
// prints "ready <connected> <failed>", then records every bench purchase.
// "status <sent>" on stdin answers "pending <n>": purchases that open
// clients have yet to receive; "stop <sent>" prints a clientResult as JSON.
func fanoutClientMain(args []string) int {
	fs := flag.NewFlagSet("fanout-client", flag.ExitOnError)
	addr := fs.String("addr", "", "server host:port")
	origin := fs.String("origin", "", "Origin header")
	cookie := fs.String("cookie", "", "Cookie header")
	n := fs.Int("clients", 100, "sockets to open")
	maxSeq := fs.Int("max-seq", 20000, "highest sequence number the sender will use")
	loops := fs.Int("loops", 1, "epoll loops (OS threads) reading the sockets")
	_ = fs.Parse(args)

	l := &load{socks: make([]*sock, *n)}
	l.open(*addr, *origin, *cookie, *maxSeq)
	var stopping atomic.Bool
	wait := l.read(*loops, &stopping)
	fmt.Printf("ready %d %d\n", int64(*n)-l.failed.Load(), l.failed.Load())
	sent := l.answer(os.Stdin)
	stopping.Store(true)
	wait()
	_ = json.NewEncoder(os.Stdout).Encode(l.tally(sent))
	return 0
}

// load is the fan-out client process's sockets and what went wrong.
type load struct {
	socks    []*sock // nil where the socket did not open
	failed   atomic.Int64
	firstErr atomic.Value // string
}

func (l *load) fail(err error) { l.firstErr.CompareAndSwap(nil, err.Error()) }

// open dials every socket, 32 handshakes at a time.
func (l *load) open(addr, origin, cookie string, maxSeq int) {
	prog := startProgress("fan-out clients connected", int64(len(l.socks)))
	defer prog.end()
	sem := make(chan struct{}, 32)
	var dial sync.WaitGroup
	for i := range l.socks {
		sem <- struct{}{}
		dial.Go(func() {
			defer func() { <-sem }()
			fd, buffered, err := dialDetached(addr, origin, cookie)
			if err != nil {
				l.failed.Add(1)
				l.fail(err)
				return
			}
			c := &client{seen: make([]uint64, maxSeq/64+1), lat: newHist()}
			l.socks[i] = &sock{fd: fd, pending: buffered, c: c}
			prog.add(1)
		})
	}
	dial.Wait()
}

// read deals the open sockets round-robin to loops epoll loops; the
// returned wait blocks until they have stopped, and closes every socket.
func (l *load) read(loops int, stopping *atomic.Bool) (wait func()) {
	groups := make([][]*sock, max(loops, 1))
	k := 0
	for _, s := range l.socks {
		if s != nil {
			groups[k%len(groups)] = append(groups[k%len(groups)], s)
			k++
		}
	}
	var wg sync.WaitGroup
	for _, g := range groups {
		wg.Go(func() {
			if err := epollLoop(g, stopping); err != nil {
				// Its sockets are read no more: count them as broken, not
				// as open clients that miss purchases.
				fmt.Fprintln(os.Stderr, "fanout-client:", err)
				l.fail(err)
				for _, s := range g {
					if !s.ended {
						s.end(err, &atomic.Bool{})
					}
				}
			}
		})
	}
	return func() {
		wg.Wait()
		for _, s := range l.socks {
			if s != nil && !s.ended {
				_ = syscall.Close(s.fd)
			}
		}
	}
}

// answer serves the bench's status queries until it says stop, and
// returns how many purchases it sent.
func (l *load) answer(in io.Reader) (sent int) {
	sc := bufio.NewScanner(in)
	for sc.Scan() {
		if v, ok := bytes.CutPrefix(sc.Bytes(), []byte("status ")); ok {
			sent, _ = strconv.Atoi(string(v))
			var pending int64
			for _, s := range l.socks {
				if s != nil && !s.c.closed.Load() {
					pending += int64(sent) - s.c.distinct.Load()
				}
			}
			fmt.Printf("pending %d\n", pending)
		}
		if v, ok := bytes.CutPrefix(sc.Bytes(), []byte("stop ")); ok {
			sent, _ = strconv.Atoi(string(v))
			break
		}
	}
	return sent
}

// tally adds up every client once the loops have stopped.
func (l *load) tally(sent int) clientResult {
	res := clientResult{Failed: int(l.failed.Load()), CloseCodes: map[string]int{}, Latency: newHist()}
	if e, ok := l.firstErr.Load().(string); ok {
		res.FirstError = e
	}
	for _, s := range l.socks {
		if s == nil {
			continue
		}
		c := s.c
		res.Connected++
		res.Latency.merge(c.lat)
		res.Received += uint64(c.distinct.Load())
		res.Duplicates += c.dups
		missing := int64(sent) - c.distinct.Load()
		if c.closeCode != 0 {
			res.ClosedByServer++
			res.CloseCodes[strconv.Itoa(c.closeCode)]++
			res.MissingClosed += missing
			continue
		}
		res.MissingOpen += missing
		if missing > 0 {
			res.OpenWithMiss++
		}
	}
	return res
}

// dialDetached opens one socket and takes it out of Go's poller.
func dialDetached(addr, origin, cookie string) (fd int, buffered []byte, err error) {
	w, err := wsDial(addr, origin, cookie)
	if err != nil {
		return -1, nil, err
	}
	fd, buffered, err = detach(w)
	if err != nil {
		_ = w.close()
	}
	return fd, buffered, err
}

// record notes every bench purchase in one message, received at now.
func (c *client) record(msg []byte, now int64) {
	for {
		i := bytes.Index(msg, marker)
		if i < 0 {
			return
		}
		msg = msg[i+len(marker):]
		seq, rest := leadingInt(msg)
		if len(rest) == 0 || rest[0] != '_' {
			continue
		}
		sentAt, rest := leadingInt(rest[1:])
		msg = rest
		if seq < 0 || seq/64 >= int64(len(c.seen)) {
			continue
		}
		w, bit := seq/64, uint64(1)<<(seq%64)
		if c.seen[w]&bit != 0 {
			c.dups++
			continue
		}
		c.seen[w] |= bit
		c.distinct.Add(1)
		c.lat.add(time.Duration(now - sentAt))
	}
}

func leadingInt(b []byte) (int64, []byte) {
	var n int64
	i := 0
	for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
		n = n*10 + int64(b[i]-'0')
	}
	if i == 0 {
		return -1, b
	}
	return n, b[i:]
}
