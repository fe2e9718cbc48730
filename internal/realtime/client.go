package realtime

import (
	"errors"
	"fmt"
	"io"
	"net"
	"time"
	"unicode/utf8"

	"github.com/gorilla/websocket"
)

// Why a client's socket ended, besides ErrSlowConsumer from the hub.
var (
	errGoingAway  = errors.New("server shutting down")
	errNoPong     = errors.New("no pong in time")
	errLoginEnded = errors.New("session ended")
	// errBadText: a text message must be UTF-8 (RFC 6455, 8.1), which
	// gorilla/websocket leaves to the application to check.
	errBadText = errors.New("text message is not valid UTF-8")
)

// closeWait bounds how long a closing server waits for the peer to answer
// its close frame before it drops the connection anyway.
const closeWait = time.Second

// serve runs one client: a reader (the protocol needs one to answer pings
// and notice a close) and the writer on this goroutine, which also pings.
// It returns why the client ended, once both have stopped; ended is closed
// when the client's login ends (nil: never).
func (h *Handler) serve(conn *websocket.Conn, sub *Subscription[*websocket.PreparedMessage], ended <-chan struct{}) error {
	// A peer must answer each ping within PongTimeout; the reader's deadline
	// is pushed back by every pong, so a silent peer (a closed laptop lid
	// sends no FIN) ends the reader with a timeout.
	alive := h.opts.PingInterval + h.opts.PongTimeout
	_ = conn.SetReadDeadline(time.Now().Add(alive))
	conn.SetPongHandler(func(string) error { return conn.SetReadDeadline(time.Now().Add(alive)) })

	r := &reader{done: make(chan struct{})}
	go r.run(conn)

	reason := h.writeLoop(conn, sub, r, ended)
	closeFor(conn, reason, r)
	return reason
}

// reader discards whatever the client sends until the socket ends (or a
// text message is not UTF-8); err is why, readable once done is closed.
type reader struct {
	done chan struct{}
	err  error
}

func (r *reader) run(conn *websocket.Conn) {
	defer close(r.done)
	for {
		kind, msg, err := conn.NextReader()
		if err == nil && kind == websocket.TextMessage {
			var text []byte // at most readLimit
			if text, err = io.ReadAll(msg); err == nil && !utf8.Valid(text) {
				err = errBadText
			}
		} else if err == nil {
			_, err = io.Copy(io.Discard, msg)
		}
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				err = fmt.Errorf("%w: %w", errNoPong, err)
			}
			r.err = fmt.Errorf("read: %w", err)
			return
		}
	}
}

// writeLoop sends the welcome messages, then drains the queue and pings
// every PingInterval, until the subscription ends, the handler shuts down,
// or the reader stops (a close, an error, or no pong in time).
func (h *Handler) writeLoop(conn *websocket.Conn, sub *Subscription[*websocket.PreparedMessage], r *reader, ended <-chan struct{}) error {
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
		case <-ended:
			return errLoginEnded
		default:
		}
		select {
		case <-sub.Done():
			return sub.Err()
		case <-h.closing:
			return errGoingAway
		case <-ended:
			return errLoginEnded
		case <-r.done:
			return r.err
		case <-tick.C:
			deadline := time.Now().Add(h.opts.WriteTimeout)
			if err := conn.WriteControl(websocket.PingMessage, nil, deadline); err != nil {
				return fmt.Errorf("ping: %w", err)
			}
		case msg := <-sub.Messages():
			if err := h.write(conn, msg); err != nil {
				return err
			}
		}
	}
}

// write sends one message; a peer that takes longer than WriteTimeout to
// accept it is stuck, and the error ends the client.
func (h *Handler) write(conn *websocket.Conn, msg *websocket.PreparedMessage) error {
	if err := conn.SetWriteDeadline(time.Now().Add(h.opts.WriteTimeout)); err != nil {
		return fmt.Errorf("write: %w", err)
	}
	if err := conn.WritePreparedMessage(msg); err != nil {
		return fmt.Errorf("write: %w", err)
	}
	return nil
}

// closeFor closes the socket with the code that tells the browser what to
// do: 1013 "try again later" after a drop, 1001 on shutdown, 1008 once the
// login has ended (the dashboard then asks to log in again), and waits a
// moment for the peer's answering close frame. A peer that is gone or stuck
// gets no handshake, which would only wait for it.
func closeFor(conn *websocket.Conn, reason error, r *reader) {
	code, text := 0, ""
	switch {
	case errors.Is(reason, ErrSlowConsumer):
		code, text = websocket.CloseTryAgainLater, "slow consumer"
	case errors.Is(reason, errGoingAway):
		code, text = websocket.CloseGoingAway, "server shutting down"
	case errors.Is(reason, errLoginEnded):
		code, text = websocket.ClosePolicyViolation, "session ended"
	case errors.Is(reason, errBadText):
		code, text = websocket.CloseInvalidFramePayloadData, "invalid UTF-8"
	}
	switch {
	case code != 0:
		msg := websocket.FormatCloseMessage(code, text)
		if err := conn.WriteControl(websocket.CloseMessage, msg, time.Now().Add(closeWait)); err == nil {
			wait := time.NewTimer(closeWait)
			select {
			case <-r.done:
			case <-wait.C:
			}
			wait.Stop()
		}
	case errors.Is(reason, websocket.ErrReadLimit):
		// The library has sent 1009 on seeing the frame's length, while the
		// peer may still be sending that frame. Closing on unread bytes
		// would reset the connection, and the reset can overtake the 1009:
		// drain until the peer closes (or closeWait).
		_ = conn.NetConn().SetReadDeadline(time.Now().Add(closeWait))
		_, _ = io.Copy(io.Discard, conn.NetConn())
	}
	_ = conn.Close()
	<-r.done
}
