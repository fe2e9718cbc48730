package httpapi

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/beatsbyredis/beats/internal/purchases"
)

// The original app's browser client (redis-developer/beats-by-redis,
// app/static/assets/js/purchases.js) mounts the purchase routes under
// /purchase/, asks /api/config/ws where its WebSocket is, and reads the
// history as TS.RANGE's {timestamp, value}. These handlers, with the
// aliases in routes.go, let it run against this server unchanged.

// wsConfig is the original's answer to /api/config/ws: where to open the
// WebSocket, which the client joins as protocol://host:port endpoint.
type wsConfig struct {
	Protocol string `json:"protocol"`
	Host     string `json:"host"`
	Port     string `json:"port"`
	Endpoint string `json:"endpoint"`
}

// GET /api/config/ws: this server's own WebSocket, as the request reached
// it: its host and port, wss when the request came over TLS (itself, or
// through a trusted proxy that says so in X-Forwarded-Proto), and /ws.
// The original answered a fixed ws://localhost:80/websocket.
func (s *Server) wsConfigHandler(w http.ResponseWriter, r *http.Request) error {
	c := wsConfig{Protocol: "ws", Port: "80", Endpoint: "/ws"}
	if s.overTLS(r) {
		c.Protocol, c.Port = "wss", "443"
	}
	c.Host = r.Host
	if host, port, err := net.SplitHostPort(r.Host); err == nil {
		c.Host, c.Port = host, port
	}
	if strings.Contains(c.Host, ":") { // an IPv6 address, written in a URL in brackets
		c.Host = "[" + strings.Trim(c.Host, "[]") + "]"
	}
	return writeJSON(w, http.StatusOK, c)
}

// overTLS: the client reached us over HTTPS, directly or through a trusted
// proxy.
func (s *Server) overTLS(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	peer, err := netip.ParseAddrPort(r.RemoteAddr)
	return err == nil && s.trustedProxy(peer.Addr().Unmap()) &&
		strings.EqualFold(strings.TrimSpace(strings.Split(r.Header.Get("X-Forwarded-Proto"), ",")[0]), "https")
}

// originalHistorySpan is what the original's /purchase/history answered:
// TS.RANGE over the last hour.
const originalHistorySpan = time.Hour

// GET /purchase/history: the last hour of sales_ts, minute by minute, each
// sample as {x, y} and as {timestamp, value} (see purchases.ChartPoint).
func (s *Server) originalHistory(w http.ResponseWriter, r *http.Request) error {
	from := time.Now().Add(-originalHistorySpan).UnixMilli()
	points, err := s.Purchases.History(r.Context(), purchases.HistoryQuery{FromMS: from})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, purchases.ChartPoints(points))
}
