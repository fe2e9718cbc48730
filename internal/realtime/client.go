package realtime

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
)

// Why a client's socket ended, besides ErrSlowConsumer from the hub.
var (
	errGoingAway = errors.New("server shutting down")
	errNoPong    = errors.New("no pong in time")
)

// serve runs one client: a reader (the protocol needs one to answer pings
// and notice a close) and the writer on this goroutine, which also pings.
// It returns why the client ended, once both have stopped.
func (h *Handler) serve(conn *websocket.Conn, sub *Subscription) error {
	var wg sync.WaitGroup
	readErr := make(chan error, 1)
	wg.Go(func() { readErr <- readLoop(conn) })

	pings := &pinger{conn: conn, timeout: h.opts.PongTimeout, failed: make(chan error, 1)}
	reason := h.writeLoop(conn, sub, readErr, pings)
	closeFor(conn, reason)
	pings.wait()
	wg.Wait()
	return reason
}

// readLoop discards whatever the client sends until the socket ends. It
// needs no context: closing the socket ends it.
func readLoop(conn *websocket.Conn) error {
	for {
		_, r, err := conn.Reader(context.Background())
		if err != nil {
			return fmt.Errorf("read: %w", err)
		}
		if _, err := io.Copy(io.Discard, r); err != nil {
			return fmt.Errorf("read: %w", err)
		}
	}
}

// pinger pings the peer now and then; a peer that does not answer within
// the timeout is gone (a closed laptop lid sends no FIN). A ping waits for
// its pong, so each runs on a goroutine of its own that lives only that
// long: thousands of idle sockets then hold no parked pinger goroutine.
type pinger struct {
	conn    *websocket.Conn
	timeout time.Duration
	failed  chan error // the first failure, for the write loop
	running sync.WaitGroup
	busy    atomic.Bool
}

// ping starts a ping unless one is still waiting for its pong.
func (p *pinger) ping() {
	if !p.busy.CompareAndSwap(false, true) {
		return
	}
	p.running.Go(func() {
		defer p.busy.Store(false)
		ctx, cancel := context.WithTimeout(context.Background(), p.timeout)
		defer cancel()
		if err := p.conn.Ping(ctx); err != nil {
			select {
			case p.failed <- fmt.Errorf("%w: %w", errNoPong, err):
			default:
			}
		}
	})
}

// wait returns once no ping is running (the socket is closed by then, which
// ends a ping at once).
func (p *pinger) wait() { p.running.Wait() }

// writeLoop sends the welcome messages, then drains the queue and pings
// every PingInterval, until the subscription ends, the handler shuts down,
// the reader stops or a ping goes unanswered.
func (h *Handler) writeLoop(conn *websocket.Conn, sub *Subscription, readErr <-chan error, pings *pinger) error {
	for _, msg := range h.opts.Welcome() {
		if err := h.write(conn, msg); err != nil {
			return err
		}
	}
	tick := time.NewTicker(h.opts.PingInterval)
	defer tick.Stop()
	for {
		// Ending wins over queued messages: a dropped client resyncs anyway,
		// and a shutdown should not wait for a backlog.
		select {
		case <-sub.Done():
			return sub.Err()
		case <-h.closing:
			return errGoingAway
		default:
		}
		select {
		case <-sub.Done():
			return sub.Err()
		case <-h.closing:
			return errGoingAway
		case err := <-readErr:
			return err
		case err := <-pings.failed:
			return err
		case <-tick.C:
			pings.ping()
		case msg := <-sub.Messages():
			if err := h.write(conn, msg); err != nil {
				return err
			}
		}
	}
}

// write sends one message; on a timeout the library closes the socket.
func (h *Handler) write(conn *websocket.Conn, msg []byte) error {
	ctx, cancel := context.WithTimeout(context.Background(), h.opts.WriteTimeout)
	defer cancel()
	if err := conn.Write(ctx, websocket.MessageText, msg); err != nil {
		return fmt.Errorf("write: %w", err)
	}
	return nil
}

// closeFor closes the socket with the code that tells the browser what to
// do: 1013 "try again later" after a drop, 1001 on shutdown. A peer that
// is gone or stuck gets no handshake, which would only wait for it.
func closeFor(conn *websocket.Conn, reason error) {
	switch {
	case errors.Is(reason, ErrSlowConsumer):
		_ = conn.Close(websocket.StatusTryAgainLater, "slow consumer")
	case errors.Is(reason, errGoingAway):
		_ = conn.Close(websocket.StatusGoingAway, "server shutting down")
	default:
		_ = conn.CloseNow()
	}
}
