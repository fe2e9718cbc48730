package realtime

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/beatsbyredis/beats/internal/purchases"
	"github.com/beatsbyredis/beats/internal/redistest"
)

func TestOriginIsChecked(t *testing.T) {
	rdb := redistest.New(t)
	_, srv := startLive(t, Options{
		Redis:          rdb,
		TrustedOrigins: []string{"https://dash.example.com", "*.trusted.example", "[bad"},
	})
	tests := []struct {
		origin string
		want   int
	}{
		{"", http.StatusSwitchingProtocols}, // not a browser
		{srv.URL, http.StatusSwitchingProtocols},
		{"https://dash.example.com", http.StatusSwitchingProtocols},
		{"https://a.trusted.example", http.StatusSwitchingProtocols},
		{"http://dash.example.com", http.StatusForbidden}, // scheme is part of that origin
		{"https://evil.example", http.StatusForbidden},
		{"https://trusted.example.evil.example", http.StatusForbidden},
		{"null", http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.origin, func(t *testing.T) {
			h := http.Header{}
			if tt.origin != "" {
				h.Set("Origin", tt.origin)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			conn, resp, err := websocket.Dial(ctx, wsURL(srv), &websocket.DialOptions{HTTPHeader: h})
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
