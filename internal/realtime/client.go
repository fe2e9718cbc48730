package realtime

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/coder/websocket"
)

// Why a client's socket ended, besides ErrSlowConsumer from the hub.
var (
	errGoingAway = errors.New("server shutting down")
	errNoPong    = errors.New("no pong in time")
)

// serve runs one client: a reader (the protocol needs one to answer pings
// and notice a close), a pinger, and the writer on this goroutine. It
// returns why the client ended, once all three have stopped.
func (h *Handler) serve(conn *websocket.Conn, sub *Subscription) error {
	var wg sync.WaitGroup
	readErr := make(chan error, 1)
	wg.Go(func() { readErr <- readLoop(conn) })

	pingCtx, stopPing := context.WithCancel(context.Background())
	pingErr := make(chan error, 1)
	wg.Go(func() { pingErr <- h.pingLoop(pingCtx, conn) })

	reason := h.writeLoop(conn, sub, readErr, pingErr)
	closeFor(conn, reason)
	stopPing()
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

// pingLoop pings every interval; a peer that does not answer within the
// pong timeout is gone (a closed laptop lid sends no FIN).
func (h *Handler) pingLoop(ctx context.Context, conn *websocket.Conn) error {
	t := time.NewTicker(h.opts.PingInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		pctx, cancel := context.WithTimeout(ctx, h.opts.PongTimeout)
		err := conn.Ping(pctx)
		cancel()
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("%w: %w", errNoPong, err)
		}
	}
}

// writeLoop sends the welcome messages, then drains the queue, until the
// subscription ends, the handler shuts down, or the reader or pinger stops.
func (h *Handler) writeLoop(conn *websocket.Conn, sub *Subscription, readErr, pingErr <-chan error) error {
	for _, msg := range h.opts.Welcome() {
		if err := h.write(conn, msg); err != nil {
			return err
		}
	}
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
		case err := <-pingErr:
			return err
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
