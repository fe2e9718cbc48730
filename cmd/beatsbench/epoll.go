package main

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"runtime"
	"sync/atomic"
	"syscall"
	"time"
)

// The fan-out load generator reads its sockets from raw epoll loops instead
// of a goroutine per socket: a Go read costs the scheduler a wake-up and a
// context switch per message on top of read(2) (with 5,000 sockets the load
// took 0.85 of a core that way and takes 0.65 now), and every microsecond
// the load generator spends is one the server under test does not get on a
// shared machine.

// sock is one socket of an epoll loop: its descriptor, the bytes of a frame
// that has not fully arrived, and the fragments of a message in progress.
type sock struct {
	fd      int
	pending []byte
	msg     []byte
	c       *client
	ended   bool
}

// dupFD returns a duplicate of a TCP connection's descriptor, non-blocking
// as Go keeps it, to be used with raw system calls once c is closed. The
// duplicate is close-on-exec, so the load processes the bench starts later
// do not inherit it (and keep its socket open).
func dupFD(c net.Conn) (int, error) {
	tcp, ok := c.(*net.TCPConn)
	if !ok {
		return -1, errors.New("dup: not a TCP connection")
	}
	rc, err := tcp.SyscallConn()
	if err != nil {
		return -1, fmt.Errorf("dup: %w", err)
	}
	fd := -1
	var errno syscall.Errno
	ctlErr := rc.Control(func(orig uintptr) {
		r, _, e := syscall.Syscall(syscall.SYS_FCNTL, orig, syscall.F_DUPFD_CLOEXEC, 0)
		fd, errno = int(r), e
	})
	switch {
	case ctlErr != nil:
		return -1, fmt.Errorf("dup: %w", ctlErr)
	case errno != 0:
		return -1, fmt.Errorf("dup: fcntl F_DUPFD_CLOEXEC: %w", errno)
	}
	if err := syscall.SetNonblock(fd, true); err != nil {
		syscall.Close(fd)
		return -1, fmt.Errorf("dup: set non-blocking: %w", err)
	}
	return fd, nil
}

// detach takes a client socket out of Go's poller: it keeps a duplicate of
// the descriptor, closes Go's, and hands over any bytes the handshake's
// reader had already buffered.
func detach(w *wsConn) (fd int, buffered []byte, err error) {
	fd, err = dupFD(w.c)
	if err != nil {
		return -1, nil, err
	}
	if n := w.r.Buffered(); n > 0 {
		b, _ := w.r.Peek(n)
		buffered = append([]byte(nil), b...)
	}
	_ = w.c.Close()
	return fd, buffered, nil
}

// epollLoop reads socks until stopping is set; it keeps one OS thread for
// itself. A socket that ends (a close frame, an error) leaves the set.
func epollLoop(socks []*sock, stopping *atomic.Bool) error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	epfd, err := syscall.EpollCreate1(syscall.EPOLL_CLOEXEC)
	if err != nil {
		return fmt.Errorf("epoll_create1: %w", err)
	}
	defer syscall.Close(epfd)
	for i, s := range socks {
		if len(s.pending) > 0 { // bytes the handshake had already read
			if err := s.consumePending(time.Now().UnixNano()); err != nil {
				s.end(err, stopping)
				continue
			}
		}
		ev := syscall.EpollEvent{Events: syscall.EPOLLIN | syscall.EPOLLRDHUP, Fd: int32(i)}
		if err := syscall.EpollCtl(epfd, syscall.EPOLL_CTL_ADD, s.fd, &ev); err != nil {
			return fmt.Errorf("epoll_ctl add fd %d: %w", s.fd, err)
		}
	}
	events := make([]syscall.EpollEvent, 256)
	buf := make([]byte, 256<<10)
	for !stopping.Load() {
		n, err := syscall.EpollWait(epfd, events, 100)
		if err != nil {
			if errors.Is(err, syscall.EINTR) {
				continue
			}
			return fmt.Errorf("epoll_wait: %w", err)
		}
		for _, ev := range events[:n] {
			s := socks[ev.Fd]
			if s.ended {
				continue
			}
			if err := s.readOnce(buf); err != nil {
				_ = syscall.EpollCtl(epfd, syscall.EPOLL_CTL_DEL, s.fd, nil)
				s.end(err, stopping)
			}
		}
	}
	return nil
}

// readOnce makes one read(2); the loop is level-triggered, so whatever is
// left is reported again.
func (s *sock) readOnce(buf []byte) error {
	n, err := syscall.Read(s.fd, buf)
	switch {
	case errors.Is(err, syscall.EAGAIN) || errors.Is(err, syscall.EINTR):
		return nil
	case err != nil:
		return err
	case n == 0:
		return errors.New("connection closed without a close frame")
	}
	now := time.Now().UnixNano()
	if len(s.pending) == 0 {
		rest, err := s.consume(buf[:n], now)
		s.pending = append(s.pending, rest...)
		return err
	}
	s.pending = append(s.pending, buf[:n]...)
	return s.consumePending(now)
}

// consumePending parses the whole frames in s.pending and keeps the rest.
func (s *sock) consumePending(now int64) error {
	rest, err := s.consume(s.pending, now)
	s.pending = s.pending[:copy(s.pending, rest)] // rest is the tail of s.pending
	return err
}

// consume parses every whole frame in data and returns the bytes of the
// frame that has not fully arrived.
func (s *sock) consume(data []byte, now int64) (rest []byte, err error) {
	for {
		fin, op, payload, size, err := parseFrame(data)
		if err != nil {
			return nil, err
		}
		if size == 0 {
			break
		}
		data = data[size:]
		switch op {
		case 0x8: // close
			code := 1005
			if len(payload) >= 2 {
				code = int(binary.BigEndian.Uint16(payload))
			}
			return nil, closeError{code}
		case 0x9: // ping: pong with the same payload (at most 125 bytes), masked with a zero key
			frame := append([]byte{0x8A, 0x80 | byte(len(payload)), 0, 0, 0, 0}, payload...)
			// A full send buffer loses this pong; the next ping gets one.
			if _, err := syscall.Write(s.fd, frame); err != nil && !errors.Is(err, syscall.EAGAIN) {
				return nil, fmt.Errorf("pong: %w", err)
			}
		case 0xA: // pong
		default:
			if fin && len(s.msg) == 0 {
				s.c.record(payload, now)
				continue
			}
			s.msg = append(s.msg, payload...)
			if fin {
				s.c.record(s.msg, now)
				s.msg = s.msg[:0]
			}
		}
	}
	return data, nil
}

// parseFrame reads one frame from the front of b; size is 0 when the frame
// has not fully arrived. A masked frame (which a server must not send) is
// unmasked in place.
func parseFrame(b []byte) (fin bool, op byte, payload []byte, size int, err error) {
	if len(b) < 2 {
		return false, 0, nil, 0, nil
	}
	fin, op = b[0]&0x80 != 0, b[0]&0x0f
	masked := b[1]&0x80 != 0
	n, at := uint64(b[1]&0x7f), 2
	switch n {
	case 126:
		if len(b) < 4 {
			return false, 0, nil, 0, nil
		}
		n, at = uint64(binary.BigEndian.Uint16(b[2:])), 4
	case 127:
		if len(b) < 10 {
			return false, 0, nil, 0, nil
		}
		n, at = binary.BigEndian.Uint64(b[2:]), 10
	}
	if n > 64<<20 {
		return false, 0, nil, 0, fmt.Errorf("frame of %d bytes", n)
	}
	if op >= 0x8 && n > 125 {
		return false, 0, nil, 0, fmt.Errorf("control frame of %d bytes (at most 125)", n)
	}
	var key []byte
	if masked {
		if len(b) < at+4 {
			return false, 0, nil, 0, nil
		}
		key, at = b[at:at+4], at+4
	}
	if uint64(len(b)-at) < n {
		return false, 0, nil, 0, nil
	}
	payload = b[at : at+int(n)]
	for i := range key {
		for j := i; j < len(payload); j += 4 {
			payload[j] ^= key[i]
		}
	}
	return fin, op, payload, at + int(n), nil
}

// end records why the socket ended and closes it.
func (s *sock) end(err error, stopping *atomic.Bool) {
	s.ended = true
	var ce closeError
	switch {
	case errors.As(err, &ce):
		s.c.closeCode = ce.code
	case !stopping.Load():
		s.c.closeCode = -1 // the connection broke
	}
	s.c.closed.Store(true)
	_ = syscall.Close(s.fd)
	s.fd = -1
}
