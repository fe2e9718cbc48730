package realtime

import (
	"log/slog"

	"github.com/gorilla/websocket"
)

// Every message reaches the clients as a *websocket.PreparedMessage, made
// once for all of them: it builds its WebSocket frame once (once per
// flavour: plain, and deflated for the clients that negotiated
// compression), so a broadcast to 5,000 sockets costs one encoding and
// 5,000 write calls of the same bytes, not 5,000 encodings.
func prepare(msg []byte) (*websocket.PreparedMessage, error) {
	return websocket.NewPreparedMessage(websocket.TextMessage, msg)
}

// framer is the broadcaster the tailer publishes to: it prepares each JSON
// message once and hands it to the hub.
type framer struct {
	hub *Hub[*websocket.PreparedMessage]
	log *slog.Logger
}

func (f framer) Broadcast(msg []byte) {
	pm, err := prepare(msg)
	if err != nil {
		f.log.Error("realtime: prepare message", "err", err)
		return
	}
	f.hub.Broadcast(pm)
}
