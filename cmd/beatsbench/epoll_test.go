package main

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// serverFrame frames payload as a server does: unmasked, one frame.
func serverFrame(op byte, fin bool, payload []byte) []byte {
	b0 := op
	if fin {
		b0 |= 0x80
	}
	switch n := len(payload); {
	case n < 126:
		return append([]byte{b0, byte(n)}, payload...)
	case n <= 0xffff:
		return append(binary.BigEndian.AppendUint16([]byte{b0, 126}, uint16(n)), payload...)
	default:
		return append(binary.BigEndian.AppendUint64([]byte{b0, 127}, uint64(n)), payload...)
	}
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

// TestSockReadsAcrossSplits writes frames to one end of a socket pair in
// pieces cut at every awkward place and checks the sock records each bench
// purchase once, answers pings, and ends on the close frame with its code.
func TestSockReadsAcrossSplits(t *testing.T) {
	var stream []byte
	const purchases = 40
	for i := range purchases {
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
	stream = append(stream, serverFrame(8, true, binary.BigEndian.AppendUint16(nil, 1013))...)

	fds, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer syscall.Close(fds[1])
	if err := syscall.SetNonblock(fds[0], true); err != nil {
		t.Fatal(err)
	}
	c := &client{seen: make([]uint64, 2), lat: newHist()}
	s := &sock{fd: fds[0], pending: stream[:1], c: c} // one byte came with the handshake
	var stopping atomic.Bool
	buf := make([]byte, 64)
	var readErr error
	for at := 1; at < len(stream) && readErr == nil; {
		n := min(1+at%7, len(stream)-at) // pieces of 1 to 7 bytes
		if _, err := syscall.Write(fds[1], stream[at:at+n]); err != nil {
			t.Fatal(err)
		}
		at += n
		readErr = s.readOnce(buf)
	}
	if readErr == nil {
		t.Fatal("the close frame did not end the socket")
	}
	s.end(readErr, &stopping)
	if c.closeCode != 1013 || !c.closed.Load() {
		t.Errorf("close code %d, closed %v; want 1013, true", c.closeCode, c.closed.Load())
	}
	if got := c.distinct.Load(); got != purchases || c.dups != 1 || c.lat.N != purchases {
		t.Errorf("distinct %d, duplicates %d, latencies %d; want %d, 1, %d", got, c.dups, c.lat.N, purchases, purchases)
	}
	pong := make([]byte, 16)
	n, err := syscall.Read(fds[1], pong)
	if err != nil || !bytes.Equal(pong[:n], []byte{0x8A, 0x81, 0, 0, 0, 0, 'p'}) {
		t.Errorf("pong = %x, %v", pong[:max(n, 0)], err)
	}
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
