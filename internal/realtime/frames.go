package realtime

import (
	"log/slog"
	"sync"

	"github.com/gorilla/websocket"
)

// frame is one message on its way to every client. A prepared message
// builds its WebSocket frame once (once per flavour: plain, and deflated
// for the clients that negotiated compression), so a broadcast to 5,000
// sockets costs one encoding and 5,000 write calls of the same bytes, not
// 5,000 encodings.
type frame = *websocket.PreparedMessage

func prepare(msg []byte) (frame, error) {
	return websocket.NewPreparedMessage(websocket.TextMessage, msg)
}

// framer is the broadcaster the tailer and the snapshotter publish to: it
// prepares each JSON message once and hands the frame to the hub.
type framer struct {
	hub *Hub[frame]
	log *slog.Logger
}

func (f framer) Broadcast(msg []byte) {
	fr, err := prepare(msg)
	if err != nil {
		f.log.Error("realtime: prepare message", "err", err)
		return
	}
	f.hub.Broadcast(fr)
}

// lastFrame remembers the frame of the last message it prepared, so the
// clients that connect between two snapshots (after a restart, thousands at
// once) share one frame of the cached snapshot.
type lastFrame struct {
	mu  sync.Mutex
	src []byte
	fr  frame
}

// of returns msg's frame, reusing the last one when msg is the same slice.
func (l *lastFrame) of(msg []byte) (frame, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.fr != nil && len(msg) > 0 && len(l.src) == len(msg) && &l.src[0] == &msg[0] {
		return l.fr, nil
	}
	fr, err := prepare(msg)
	if err != nil {
		return nil, err
	}
	l.src, l.fr = msg, fr
	return fr, nil
}
