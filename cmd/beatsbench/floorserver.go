package main

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"syscall"
	"time"

	"github.com/gorilla/websocket"
)

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
		return nil, fmt.Errorf("floor server: %w", err)
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

// waitFor returns the sockets once n are open, or what is open after
// within: a client sees the handshake's answer a moment before its
// socket is on the list.
func (f *floorServer) waitFor(n int, within time.Duration) []int {
	deadline := time.Now().Add(within)
	for {
		f.mu.Lock()
		fds := append([]int(nil), f.fds...)
		f.mu.Unlock()
		if len(fds) >= n || time.Now().After(deadline) {
			return fds
		}
		time.Sleep(10 * time.Millisecond)
	}
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

// floorFrame is the app's live message, {"purchases":[...]} newest first,
// as one unmasked WebSocket text frame; batch holds at least one purchase.
func floorFrame(batch [][]byte) []byte {
	n := len(`{"purchases":[]}`) + len(batch) - 1 // the commas
	for _, b := range batch {
		n += len(b)
	}
	frame := frameHeader(0x81, n) // a text message in one frame
	frame = append(frame, `{"purchases":[`...)
	for i := len(batch) - 1; i >= 0; i-- {
		frame = append(frame, batch[i]...)
		if i > 0 {
			frame = append(frame, ',')
		}
	}
	return append(frame, "]}"...)
}

// frameHeader is the header of an unmasked frame (as a server sends it)
// whose first byte is b0 (FIN and opcode) and whose payload is n bytes.
func frameHeader(b0 byte, n int) []byte {
	switch {
	case n < 126:
		return []byte{b0, byte(n)}
	case n <= 0xffff:
		return binary.BigEndian.AppendUint16([]byte{b0, 126}, uint16(n))
	default:
		return binary.BigEndian.AppendUint64([]byte{b0, 127}, uint64(n))
	}
}

// writeAll writes b to a non-blocking socket. A full send buffer (a client
// that does not keep up) or a broken socket is returned as an error, and
// the floor writes to that socket no more.
func writeAll(fd int, b []byte) error {
	for len(b) > 0 {
		n, err := syscall.Write(fd, b)
		switch {
		case errors.Is(err, syscall.EINTR):
			continue
		case err != nil:
			return err
		}
		b = b[n:]
	}
	return nil
}
