package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
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

	clients := make([]*client, *n)
	socks := make([]*sock, *n)
	var failed atomic.Int64
	var firstErr atomic.Value
	prog := startProgress("fan-out clients connected", int64(*n))
	sem := make(chan struct{}, 32)
	var dial sync.WaitGroup
	for i := range *n {
		sem <- struct{}{}
		dial.Go(func() {
			defer func() { <-sem }()
			fd, buffered, err := dialDetached(*addr, *origin, *cookie)
			if err != nil {
				failed.Add(1)
				firstErr.CompareAndSwap(nil, err.Error())
				return
			}
			clients[i] = &client{seen: make([]uint64, *maxSeq/64+1), lat: newHist()}
			socks[i] = &sock{fd: fd, pending: buffered, c: clients[i]}
			prog.add(1)
		})
	}
	dial.Wait()
	prog.end()

	// Sockets are dealt round-robin to the loops.
	groups := make([][]*sock, max(*loops, 1))
	k := 0
	for _, s := range socks {
		if s != nil {
			groups[k%len(groups)] = append(groups[k%len(groups)], s)
			k++
		}
	}
	var stopping atomic.Bool
	var wg sync.WaitGroup
	for _, g := range groups {
		wg.Go(func() {
			if err := epollLoop(g, &stopping); err != nil {
				// Its sockets are read no more: count them as broken, not
				// as open clients that miss purchases.
				fmt.Fprintln(os.Stderr, "fanout-client:", err)
				firstErr.CompareAndSwap(nil, err.Error())
				for _, s := range g {
					if !s.ended {
						s.end(err, &atomic.Bool{})
					}
				}
			}
		})
	}
	fmt.Printf("ready %d %d\n", int64(*n)-failed.Load(), failed.Load())

	sent := 0
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		if v, ok := bytes.CutPrefix(sc.Bytes(), []byte("status ")); ok {
			sent, _ = strconv.Atoi(string(v))
			var pending int64
			for _, c := range clients {
				if c != nil && !c.closed.Load() {
					pending += int64(sent) - c.distinct.Load()
				}
			}
			fmt.Printf("pending %d\n", pending)
		}
		if v, ok := bytes.CutPrefix(sc.Bytes(), []byte("stop ")); ok {
			sent, _ = strconv.Atoi(string(v))
			break
		}
	}
	stopping.Store(true)
	wg.Wait()
	for _, s := range socks {
		if s != nil && !s.ended {
			_ = syscall.Close(s.fd)
		}
	}

	res := clientResult{Failed: int(failed.Load()), CloseCodes: map[string]int{}, Latency: newHist()}
	if e, ok := firstErr.Load().(string); ok {
		res.FirstError = e
	}
	for _, c := range clients {
		if c == nil {
			continue
		}
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
	_ = json.NewEncoder(os.Stdout).Encode(res)
	return 0
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
