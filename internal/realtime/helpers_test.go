package realtime

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/redis/go-redis/v9"

	"github.com/beatsbyredis/beats/internal/purchases"
)

// startLive runs a Live on rdb behind an httptest server until t ends, and
// returns once its tailer is reading, so every later XADD reaches clients.
func startLive(t *testing.T, opts Options) (*Live, *httptest.Server) {
	t.Helper()
	return startLiveOn(t, opts, httptest.NewUnstartedServer(nil))
}

func startLiveOn(t *testing.T, opts Options, srv *httptest.Server) (*Live, *httptest.Server) {
	t.Helper()
	if opts.ReadBlock == 0 {
		opts.ReadBlock = 200 * time.Millisecond // so cleanup is quick
	}
	live := New(opts)
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan error, 1)
	go func() { stopped <- live.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-stopped:
			if err != nil {
				t.Errorf("Run: %v", err)
			}
		case <-time.After(5 * time.Second):
			t.Errorf("Run did not return after cancel")
		}
	})
	select {
	case <-live.Ready():
	case <-time.After(10 * time.Second):
		t.Fatal("tailer not ready")
	}
	srv.Config.Handler = live.Handler()
	srv.Start()
	t.Cleanup(srv.Close)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := live.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
	})
	return live, srv
}

func wsURL(srv *httptest.Server) string { return "ws" + strings.TrimPrefix(srv.URL, "http") + "/ws" }

// dial opens a client socket; the test's end closes it.
func dial(t *testing.T, srv *httptest.Server, opts *websocket.DialOptions) *websocket.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn, _, err := websocket.Dial(ctx, wsURL(srv), opts)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	conn.SetReadLimit(-1) // the test's purchases may be padded
	t.Cleanup(func() { _ = conn.CloseNow() })
	return conn
}

// message is one server message, split by its top-level keys.
type message map[string]json.RawMessage

// readMessage reads the next message, failing t if none comes within d.
func readMessage(t *testing.T, conn *websocket.Conn, d time.Duration) message {
	t.Helper()
	msg, err := tryRead(conn, d)
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	return msg
}

func tryRead(conn *websocket.Conn, d time.Duration) (message, error) {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	typ, b, err := conn.Read(ctx)
	if err != nil {
		return nil, err
	}
	if typ != websocket.MessageText {
		return nil, fmt.Errorf("message type %v, want text", typ)
	}
	var m message
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("decode %s: %w", b, err)
	}
	return m, nil
}

// readPurchases skips other messages until a {"purchases":[...]} one
// arrives within d, and returns its purchases.
func readPurchases(t *testing.T, conn *websocket.Conn, d time.Duration) []purchases.Purchase {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		msg := readMessage(t, conn, time.Until(deadline))
		raw, ok := msg["purchases"]
		if !ok {
			continue
		}
		if len(msg) != 1 {
			t.Fatalf("purchases message has other keys: %v", keys(msg))
		}
		var ps []purchases.Purchase
		if err := json.Unmarshal(raw, &ps); err != nil {
			t.Fatalf("decode purchases: %v", err)
		}
		return ps
	}
}

func keys(m message) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// testPurchase is a plausible purchase; pad makes its message bigger.
func testPurchase(n int, artist string, pad int) purchases.Purchase {
	return purchases.Purchase{
		ID:              fmt.Sprintf("test-%d", n),
		UTCDate:         1691166738 + int64(n),
		UTCDateRaw:      1691166738.5 + float64(n),
		ArtistName:      artist,
		ItemType:        "a",
		ItemDescription: "Album " + strings.Repeat("x", pad),
		AlbumTitle:      "Album",
		Currency:        "USD",
		AmountPaid:      10,
		ItemPrice:       10,
		AmountPaidUSD:   10,
		Country:         "Japan",
		CountryCode:     "jp",
		URL:             fmt.Sprintf("//artist.bandcamp.com/album/%d", n),
		AmountPaidFmt:   "$10",
	}
}

// xadd appends purchases to the live stream the way save.lua does: one
// entry each, fields "id" and "doc", the stored document with its
// search_text and without the id. All of ps go in one MULTI, so a blocked
// XREAD returns them together.
func xadd(t *testing.T, rdb redis.UniversalClient, ps ...purchases.Purchase) {
	t.Helper()
	ctx := context.Background()
	_, err := rdb.TxPipelined(ctx, func(pipe redis.Pipeliner) error {
		for _, p := range ps {
			doc, err := json.Marshal(struct {
				purchases.Purchase
				NoID       *struct{} `json:"id,omitempty"`
				SearchText string    `json:"search_text"`
			}{p, nil, "folded search text"})
			if err != nil {
				return err
			}
			pipe.XAdd(ctx, &redis.XAddArgs{Stream: purchases.LiveStream, Values: []any{"id", p.ID, "doc", string(doc)}})
		}
		return nil
	})
	if err != nil {
		t.Fatalf("XADD: %v", err)
	}
}

// closeStatus is the close code a read ended with, reading past any data
// messages still in flight; -1 means no close frame (the socket just died).
func closeStatus(conn *websocket.Conn, d time.Duration) (websocket.StatusCode, string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	for {
		_, _, err := conn.Read(ctx)
		if err == nil {
			continue
		}
		var ce websocket.CloseError
		if errors.As(err, &ce) {
			return ce.Code, ce.Reason, nil
		}
		return -1, "", err
	}
}

// smallBuffers shrinks the kernel's socket buffers on accepted
// connections, so that a client that stops reading backs up into the
// server's queue after kilobytes instead of megabytes.
type smallBuffers struct{ net.Listener }

func (l smallBuffers) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.SetWriteBuffer(4 << 10)
	}
	return c, err
}

// smallReadBufferClient dials with a small receive buffer, for the same reason.
func smallReadBufferClient() *http.Client {
	d := &net.Dialer{}
	return &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			c, err := d.DialContext(ctx, network, addr)
			if tc, ok := c.(*net.TCPConn); ok {
				_ = tc.SetReadBuffer(4 << 10)
			}
			return c, err
		},
	}}
}
