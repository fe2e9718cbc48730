package httpapi

import (
	"crypto/tls"
	"encoding/json"
	"net/http/httptest"
	"net/netip"
	"testing"
)

// TestWSConfigFromTheRequest: /api/config/ws names this server's own
// WebSocket as the client reached it, in the original's four fields.
func TestWSConfigFromTheRequest(t *testing.T) {
	s := New(Deps{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}})
	cases := []struct {
		name, host, remote, proto string
		tls                       bool
		want                      wsConfig
	}{
		{"plain with a port", "127.0.0.1:8080", "127.0.0.1:5000", "", false, wsConfig{"ws", "127.0.0.1", "8080", "/ws"}},
		{"a name without a port", "beats.example.com", "192.0.2.1:5000", "", false, wsConfig{"ws", "beats.example.com", "80", "/ws"}},
		{"TLS", "beats.example.com", "192.0.2.1:5000", "", true, wsConfig{"wss", "beats.example.com", "443", "/ws"}},
		{"a trusted proxy's https", "beats.example.com", "10.1.2.3:5000", "https", false, wsConfig{"wss", "beats.example.com", "443", "/ws"}},
		{"an untrusted peer's https", "beats.example.com", "192.0.2.1:5000", "https", false, wsConfig{"ws", "beats.example.com", "80", "/ws"}},
		{"IPv6", "[::1]:8080", "[::1]:5000", "", false, wsConfig{"ws", "[::1]", "8080", "/ws"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/api/config/ws", nil)
			r.Host, r.RemoteAddr = c.host, c.remote
			if c.proto != "" {
				r.Header.Set("X-Forwarded-Proto", c.proto)
			}
			if c.tls {
				r.TLS = &tls.ConnectionState{}
			}
			w := httptest.NewRecorder()
			if err := s.wsConfigHandler(w, r); err != nil {
				t.Fatal(err)
			}
			var got wsConfig
			if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil || got != c.want {
				t.Errorf("answer %s (%v), want %+v", w.Body, err, c.want)
			}
		})
	}
}
