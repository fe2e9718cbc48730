package main

import (
	"bufio"
	"bytes"
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/beatsbyredis/beats/internal/testwait"
)

// serverFrame frames payload as a server does: unmasked, one frame.
func serverFrame(op byte, fin bool, payload []byte) []byte {
	b0 := op
	if fin {
		b0 |= 0x80
	}
	return append(frameHeader(b0, len(payload)), payload...)
}

func TestParseFrame(t *testing.T) {
	long := bytes.Repeat([]byte("x"), 70000)
	masked := []byte{0x81, 0x83, 1, 2, 3, 4, 'a' ^ 1, 'b' ^ 2, 'c' ^ 3}
	tests := []struct {
		name    string
		in      []byte
		size    int
		op      byte
		fin     bool
		payload string
		wantErr bool
	}{
		{"empty", nil, 0, 0, false, "", false},
		{"one byte", []byte{0x81}, 0, 0, false, "", false},
		{"short text", serverFrame(1, true, []byte("hi")), 4, 1, true, "hi", false},
		{"short text with more after", append(serverFrame(1, true, []byte("hi")), 0x81), 4, 1, true, "hi", false},
		{"payload not all here", serverFrame(1, true, []byte("hello"))[:5], 0, 0, false, "", false},
		{"16-bit length", serverFrame(1, false, long[:300]), 304, 1, false, string(long[:300]), false},
		{"16-bit length cut in the length", serverFrame(1, true, long[:300])[:3], 0, 0, false, "", false},
		{"64-bit length", serverFrame(2, true, long), 70010, 2, true, string(long), false},
		{"masked", masked, len(masked), 1, true, "abc", false},
		{"masked, key not all here", masked[:4], 0, 0, false, "", false},
		{"absurd length", []byte{0x82, 127, 0xff, 0, 0, 0, 0, 0, 0, 0}, 0, 0, false, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := append([]byte(nil), tt.in...)
			fin, op, payload, size, err := parseFrame(in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			if size != tt.size || (size > 0 && (op != tt.op || fin != tt.fin || string(payload) != tt.payload)) {
				t.Fatalf("got size %d op %d fin %v payload %.20q, want %d %d %v %.20q", size, op, fin, payload, tt.size, tt.op, tt.fin, tt.payload)
			}
		})
	}
}

func FuzzParseFrame(f *testing.F) {
	f.Add(serverFrame(1, true, []byte("bbseq_1_2")))
	f.Add([]byte{0x81, 0xfe, 0, 3, 1, 2, 3, 4, 5, 6, 7})
	f.Add([]byte{0x82, 127, 0, 0, 0, 0, 0, 0, 0, 1, 9})
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _, payload, size, err := parseFrame(b)
		if err != nil {
			return
		}
		if size < 0 || size > len(b) || len(payload) > size {
			t.Fatalf("size %d, payload %d of %d bytes", size, len(payload), len(b))
		}
	})
}

// benchStream is what a server might send one client: purchases is the
// number of distinct bench purchases in it, one of them sent twice, a
// ping ("p") among them, and a close frame with 1013 last.
func benchStream() (stream []byte, purchases int) {
	const n = 40
	for i := range n {
		msg := []byte(fmt.Sprintf(`{"purchases":[{"item_description":"bbseq_%d_%d"}]}`, i, time.Now().UnixNano()))
		if i%3 == 0 { // a message in two fragments
			stream = append(stream, serverFrame(1, false, msg[:10])...)
			stream = append(stream, serverFrame(0, true, msg[10:])...)
		} else {
			stream = append(stream, serverFrame(1, true, msg)...)
		}
		if i == 20 {
			stream = append(stream, serverFrame(9, true, []byte("p"))...)
			stream = append(stream, serverFrame(1, true, msg)...) // a duplicate
		}
	}
	return append(stream, serverFrame(8, true, binary.BigEndian.AppendUint16(nil, 1013))...), n
}

// checkTally fails unless c saw every purchase once, the duplicate, and
// the close code.
func checkTally(t *testing.T, c *client, purchases int) {
	t.Helper()
	if c.closeCode != 1013 || !c.closed.Load() {
		t.Errorf("close code %d, closed %v; want 1013, true", c.closeCode, c.closed.Load())
	}
	if got := c.distinct.Load(); got != int64(purchases) || c.dups != 1 || c.lat.N != uint64(purchases) {
		t.Errorf("distinct %d, duplicates %d, latencies %d; want %d, 1, %d", got, c.dups, c.lat.N, purchases, purchases)
	}
}

// TestSockReadsAcrossSplits feeds the stream to one end of a socket pair
// and checks the sock records each bench purchase once, answers the ping,
// and ends on the close frame with its code: in pieces cut at every awkward
// place, and in one write read through a buffer smaller than most frames
// (so that frames pile up in pending across many reads).
func TestSockReadsAcrossSplits(t *testing.T) {
	stream, purchases := benchStream()
	tests := []struct {
		name    string
		piece   func(at int) int // bytes to write at offset at
		bufSize int
	}{
		{"pieces of 1 to 7 bytes", func(at int) int { return 1 + at%7 }, 64},
		{"one write, 13-byte reads", func(int) int { return len(stream) }, 13},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fds, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer syscall.Close(fds[1])
			if err := syscall.SetNonblock(fds[0], true); err != nil {
				t.Fatal(err)
			}
			c := &client{seen: make([]uint64, 2), lat: newHist()}
			s := &sock{fd: fds[0], pending: append([]byte(nil), stream[:1]...), c: c} // one byte came with the handshake
			buf := make([]byte, tt.bufSize)
			var readErr error
			// Each read takes at least a byte while any is waiting, so the
			// close frame must have ended it within len(stream) reads.
			for at, reads := 1, 0; readErr == nil; reads++ {
				if reads > len(stream) {
					t.Fatal("the close frame did not end the socket")
				}
				if at < len(stream) {
					n := min(tt.piece(at), len(stream)-at)
					if _, err := syscall.Write(fds[1], stream[at:at+n]); err != nil {
						t.Fatal(err)
					}
					at += n
				}
				readErr = s.readOnce(buf)
			}
			s.end(readErr, &atomic.Bool{})
			checkTally(t, c, purchases)
			pong := make([]byte, 16)
			n, err := syscall.Read(fds[1], pong)
			if err != nil || !bytes.Equal(pong[:n], []byte{0x8A, 0x81, 0, 0, 0, 0, 'p'}) {
				t.Errorf("pong = %x, %v", pong[:max(n, 0)], err)
			}
		})
	}
}

// TestLoadClientEndToEnd runs the load generator's own path, handshake,
// detach and epoll loop, against a server that sends its 101 answer and the
// whole stream in one write, so frames arrive inside the handshake's buffer.
func TestLoadClientEndToEnd(t *testing.T) {
	stream, purchases := benchStream()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		req, err := http.ReadRequest(bufio.NewReader(conn))
		if err != nil {
			return
		}
		sum := sha1.Sum([]byte(req.Header.Get("Sec-WebSocket-Key") + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"))
		answer := "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: " +
			base64.StdEncoding.EncodeToString(sum[:]) + "\r\n\r\n"
		_, _ = conn.Write(append([]byte(answer), stream...))
		_, _ = io.Copy(io.Discard, conn) // until the client closes
	}()

	fd, buffered, err := dialDetached(ln.Addr().String(), "http://test", "")
	if err != nil {
		t.Fatal(err)
	}
	c := &client{seen: make([]uint64, 2), lat: newHist()}
	socks := []*sock{{fd: fd, pending: buffered, c: c}}
	var stopping atomic.Bool
	done := make(chan error, 1)
	go func() { done <- epollLoop(socks, &stopping) }()
	testwait.Until(t, 5*time.Second, "the close frame to end the socket", c.closed.Load)
	stopping.Store(true)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	checkTally(t, c, purchases)
}

func TestFloorFrame(t *testing.T) {
	for _, n := range []int{1, 2, 7, 2000} { // 2,000 purchases need a 64-bit length
		var batch [][]byte
		for i := range n {
			batch = append(batch, []byte(fmt.Sprintf(`{"item_description":"bbseq_%d_1"}`, i)))
		}
		frame := floorFrame(batch)
		fin, op, payload, size, err := parseFrame(frame)
		if err != nil || size != len(frame) || !fin || op != 1 {
			t.Fatalf("%d purchases: size %d of %d, fin %v, op %d, err %v", n, size, len(frame), fin, op, err)
		}
		var msg struct {
			Purchases []struct {
				Desc string `json:"item_description"`
			} `json:"purchases"`
		}
		if err := json.Unmarshal(payload, &msg); err != nil {
			t.Fatalf("%d purchases: %v", n, err)
		}
		if len(msg.Purchases) != n || msg.Purchases[0].Desc != fmt.Sprintf("bbseq_%d_1", n-1) {
			t.Fatalf("%d purchases: got %+v, want newest first", n, msg.Purchases)
		}
	}
}
