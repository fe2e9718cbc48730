package main

import (
	"bufio"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"time"
)

// wsConn is a minimal WebSocket client (RFC 6455) for the load generator:
// no compression, no allocation per message, so that 5,000 of them on a
// shared 2-core machine cost as little as possible and the figures are the
// server's.
type wsConn struct {
	c   net.Conn
	r   *bufio.Reader
	buf []byte
}

type closeError struct{ code int }

func (e closeError) Error() string { return fmt.Sprintf("closed by server with %d", e.code) }

func wsDial(addr, origin, cookie string) (*wsConn, error) {
	c, err := net.DialTimeout("tcp", addr, 10*time.Second)
	if err != nil {
		return nil, err
	}
	k := make([]byte, 16)
	_, _ = rand.Read(k)
	key := base64.StdEncoding.EncodeToString(k)
	req := "GET /ws HTTP/1.1\r\nHost: " + addr + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\nOrigin: " + origin + "\r\nCookie: " + cookie + "\r\n\r\n"
	_ = c.SetDeadline(time.Now().Add(30 * time.Second))
	if _, err := io.WriteString(c, req); err != nil {
		c.Close()
		return nil, err
	}
	r := bufio.NewReaderSize(c, 4096)
	resp, err := http.ReadResponse(r, nil)
	if err != nil {
		c.Close()
		return nil, err
	}
	if resp.StatusCode != http.StatusSwitchingProtocols {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 200))
		c.Close()
		return nil, fmt.Errorf("handshake: %s %s", resp.Status, body)
	}
	sum := sha1.Sum([]byte(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"))
	if resp.Header.Get("Sec-WebSocket-Accept") != base64.StdEncoding.EncodeToString(sum[:]) {
		c.Close()
		return nil, fmt.Errorf("handshake: bad Sec-WebSocket-Accept")
	}
	_ = c.SetDeadline(time.Time{})
	return &wsConn{c: c, r: r, buf: make([]byte, 0, 2048)}, nil
}

// next returns the next data message; the slice is reused by the next call.
// Pings are answered, a close frame ends with closeError.
func (w *wsConn) next() ([]byte, error) {
	w.buf = w.buf[:0]
	for {
		var h [2]byte
		if _, err := io.ReadFull(w.r, h[:]); err != nil {
			return nil, err
		}
		fin, op := h[0]&0x80 != 0, h[0]&0x0f
		n := int64(h[1] & 0x7f)
		switch n {
		case 126:
			var x [2]byte
			if _, err := io.ReadFull(w.r, x[:]); err != nil {
				return nil, err
			}
			n = int64(binary.BigEndian.Uint16(x[:]))
		case 127:
			var x [8]byte
			if _, err := io.ReadFull(w.r, x[:]); err != nil {
				return nil, err
			}
			n = int64(binary.BigEndian.Uint64(x[:]))
		}
		if n > 64<<20 {
			return nil, fmt.Errorf("frame of %d bytes", n)
		}
		at := len(w.buf)
		w.buf = slices.Grow(w.buf, int(n))[:at+int(n)]
		if _, err := io.ReadFull(w.r, w.buf[at:]); err != nil {
			return nil, err
		}
		switch op {
		case 0x8: // close
			code := 1005
			if n >= 2 {
				code = int(binary.BigEndian.Uint16(w.buf[at:]))
			}
			return nil, closeError{code}
		case 0x9: // ping: pong with the same payload, masked with a zero key
			payload := append([]byte(nil), w.buf[at:]...)
			w.buf = w.buf[:at]
			frame := append([]byte{0x8A, 0x80 | byte(len(payload)), 0, 0, 0, 0}, payload...)
			if _, err := w.c.Write(frame); err != nil {
				return nil, err
			}
			continue
		case 0xA: // pong
			w.buf = w.buf[:at]
			continue
		}
		if fin {
			return w.buf, nil
		}
	}
}

func (w *wsConn) close() error { return w.c.Close() }
