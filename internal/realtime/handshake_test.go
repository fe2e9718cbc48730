package realtime

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/beatsbyredis/beats/internal/purchases"
	"github.com/beatsbyredis/beats/internal/redistest"
)

func TestOriginIsChecked(t *testing.T) {
	rdb := redistest.New(t)
	trusted := []string{"https://dash.example.com", "*.trusted.example", "[bad"}
	_, srv := startLive(t, Options{Redis: rdb, TrustedOrigins: trusted})
	host := strings.TrimPrefix(srv.URL, "http://")
	// Served over HTTPS (--secure-cookies, a TLS proxy in front): the page's
	// own origin is https://, on the same host and port.
	_, tls := startLive(t, Options{Redis: rdb, TrustedOrigins: trusted, HTTPS: true})
	tlsHost := strings.TrimPrefix(tls.URL, "http://")
	tests := []struct {
		srv    *httptest.Server
		origin string
		want   int
	}{
		{srv, "", http.StatusSwitchingProtocols}, // not a browser
		{srv, srv.URL, http.StatusSwitchingProtocols},
		{srv, "https://" + host, http.StatusForbidden}, // scheme, host and port: https is not this http page
		{srv, "http://" + strings.Split(host, ":")[0] + ":1", http.StatusForbidden},
		{srv, "http://localhost:" + strings.Split(host, ":")[1], http.StatusForbidden},
		{srv, "https://dash.example.com", http.StatusSwitchingProtocols},
		{srv, "https://a.trusted.example", http.StatusSwitchingProtocols},
		{srv, "http://dash.example.com", http.StatusForbidden}, // scheme is part of that origin
		{srv, "https://evil.example", http.StatusForbidden},
		{srv, "https://trusted.example.evil.example", http.StatusForbidden},
		{srv, "null", http.StatusForbidden},
		{tls, "https://" + tlsHost, http.StatusSwitchingProtocols},
		{tls, tls.URL, http.StatusForbidden}, // http:// on an https page
	}
	for _, tt := range tests {
		t.Run(tt.origin, func(t *testing.T) {
			h := http.Header{}
			if tt.origin != "" {
				h.Set("Origin", tt.origin)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			conn, resp, err := websocket.Dial(ctx, wsURL(tt.srv), &websocket.DialOptions{HTTPHeader: h})
			if conn != nil {
				defer conn.CloseNow()
			}
			if resp == nil {
				t.Fatalf("no response: %v", err)
			}
			if resp.StatusCode != tt.want {
				t.Fatalf("status = %d (%v), want %d", resp.StatusCode, err, tt.want)
			}
		})
	}
}

func TestHostPort(t *testing.T) {
	tests := []struct{ host, scheme, want string }{
		{"Example.COM", "https", "example.com:443"},
		{"example.com:443", "https", "example.com:443"},
		{"example.com", "http", "example.com:80"},
		{"example.com:8080", "http", "example.com:8080"},
		{"[::1]:8080", "http", "[::1]:8080"},
		{"[::1]", "https", "[::1]:443"},
	}
	for _, tt := range tests {
		if got := hostPort(tt.host, tt.scheme); got != tt.want {
			t.Errorf("hostPort(%q, %q) = %q; want %q", tt.host, tt.scheme, got, tt.want)
		}
	}
}

// TestCompressedAndPlainClientsGetTheSameMessages: one prepared frame
// serves both kinds of client; a browser that offers permessage-deflate
// gets it deflated, a client that does not gets it plain.
func TestCompressedAndPlainClientsGetTheSameMessages(t *testing.T) {
	rdb := redistest.New(t)
	_, srv := startLive(t, Options{Redis: rdb, Snapshots: purchases.NewReader(rdb)})
	tests := []struct {
		name     string
		mode     websocket.CompressionMode
		deflated bool
	}{
		{"plain", websocket.CompressionDisabled, false},
		{"deflate", websocket.CompressionNoContextTakeover, true},
		{"deflate asking for context takeover", websocket.CompressionContextTakeover, true},
	}
	conns := make([]*websocket.Conn, len(tests))
	for i, tt := range tests {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		conn, resp, err := websocket.Dial(ctx, wsURL(srv), &websocket.DialOptions{CompressionMode: tt.mode})
		cancel()
		if err != nil {
			t.Fatalf("%s: dial: %v", tt.name, err)
		}
		t.Cleanup(func() { _ = conn.CloseNow() })
		ext := resp.Header.Get("Sec-WebSocket-Extensions")
		if got := strings.Contains(ext, "permessage-deflate"); got != tt.deflated {
			t.Fatalf("%s: extensions %q, want deflate %v", tt.name, ext, tt.deflated)
		}
		conns[i] = conn
	}
	// Big enough that deflating it matters, and unlike anything sent before.
	want := testPurchase(7, strings.Repeat("Compressible ", 200), 0)
	xadd(t, rdb, want)
	for i, conn := range conns {
		got := readPurchases(t, conn, 5*time.Second)
		if len(got) != 1 || got[0].ID != want.ID || got[0].ArtistName != want.ArtistName {
			t.Fatalf("%s: got %+v, want %s by %.20q...", tests[i].name, got, want.ID, want.ArtistName)
		}
	}
}

// TestRefusedHandshakesAnswerInJSON: a refusal is a 4xx with
// {"error": ...}, like every other error of the API.
func TestRefusedHandshakesAnswerInJSON(t *testing.T) {
	rdb := redistest.New(t)
	_, srv := startLive(t, Options{Redis: rdb})
	upgrade := http.Header{
		"Connection":            {"Upgrade"},
		"Upgrade":               {"websocket"},
		"Sec-Websocket-Version": {"13"},
		"Sec-Websocket-Key":     {"dGhlIHNhbXBsZSBub25jZQ=="},
	}
	tests := []struct {
		name   string
		header http.Header
		want   int
	}{
		{"not a WebSocket handshake", http.Header{}, http.StatusBadRequest},
		{"foreign origin", withHeader(upgrade, "Origin", "https://evil.example"), http.StatusForbidden},
		{"unsupported version", withHeader(upgrade, "Sec-Websocket-Version", "8"), http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodGet, srv.URL+"/ws", nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Header = tt.header
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var body struct{ Error string }
			decodeErr := json.NewDecoder(resp.Body).Decode(&body)
			if resp.StatusCode != tt.want || resp.Header.Get("Content-Type") != "application/json" || decodeErr != nil || body.Error == "" {
				t.Fatalf("got %d %q %+v (%v), want %d with a JSON error", resp.StatusCode, resp.Header.Get("Content-Type"), body, decodeErr, tt.want)
			}
		})
	}
}

func withHeader(h http.Header, key, value string) http.Header {
	h = h.Clone()
	h.Set(key, value)
	return h
}
