package realtime

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/beatsbyredis/beats/internal/purchases"
	"github.com/beatsbyredis/beats/internal/redistest"
	"github.com/beatsbyredis/beats/internal/testwait"
)

// TestSavedPurchaseReachesClientWithinASecond goes through the real
// pipeline script: Save stores the purchase and XADDs it to purchases:live.
func TestSavedPurchaseReachesClientWithinASecond(t *testing.T) {
	rdb := redistest.New(t)
	_, srv := startLive(t, Options{Redis: rdb, Snapshots: purchases.NewReader(rdb)})
	conn := dial(t, srv, nil)

	want := savePurchase(t, rdb, "Gore", 12)
	got := readPurchases(t, conn, time.Second)
	if len(got) != 1 || got[0].ID != want.ID || got[0].ArtistName != "Gore" || got[0].AmountPaidUSD != 12 {
		t.Fatalf("got %+v, want the saved purchase %+v", got, want)
	}
}

// TestSlowClientIsDroppedFastClientIsNot: a client that stops reading fills
// its socket, then its queue, and is closed with 1013; a reading client on
// the same server gets every purchase throughout. A server that waited for
// the slow client would hold each purchase for the write timeout, a minute
// here: far longer than the fast client's wait, which is generous so that a
// busy machine does not fail the test.
func TestSlowClientIsDroppedFastClientIsNot(t *testing.T) {
	rdb := redistest.New(t)
	unstarted := httptest.NewUnstartedServer(nil)
	unstarted.Listener = smallBuffers{unstarted.Listener}
	const writeTimeout, fastWait = time.Minute, 10 * time.Second
	live, srv := startLiveOn(t, Options{Redis: rdb, QueueSize: 4, WriteTimeout: writeTimeout}, unstarted)
	fast := dial(t, srv, nil)
	slow := dial(t, srv, &websocket.DialOptions{HTTPClient: smallReadBufferClient()})
	testwait.Until(t, 5*time.Second, "two clients", func() bool { return live.Stats().Clients == 2 })

	// Big purchases fill the slow client's socket buffers after a few
	// dozen; keep going until the hub drops it, and a few more after.
	const pad = 4 << 10
	sent, after := 0, 0
	for after < 5 {
		if sent == 2000 {
			t.Fatal("the slow client was never dropped")
		}
		sent++
		xadd(t, rdb, testPurchase(sent, "Artist", pad))
		got := readPurchases(t, fast, fastWait)
		if len(got) != 1 || got[0].ID != testPurchase(sent, "", 0).ID {
			t.Fatalf("fast client got %v, want [%s]", ids(got), testPurchase(sent, "", 0).ID)
		}
		if live.Stats().SlowConsumers > 0 {
			after++
		}
	}
	if got := live.Stats().SlowConsumers; got != 1 {
		t.Fatalf("SlowConsumers = %d, want 1 (only the slow client)", got)
	}

	// Now the slow client reads: past what was in flight, it finds 1013.
	code, reason, err := closeStatus(slow, 5*time.Second)
	if err != nil || code != websocket.StatusTryAgainLater || reason != "slow consumer" {
		t.Fatalf("slow client closed with %v %q (%v), want 1013 \"slow consumer\"", code, reason, err)
	}
	testwait.Until(t, 5*time.Second, "one client left", func() bool { return live.Stats().Clients == 1 })
	t.Logf("slow client dropped after %d purchases", sent-after)
}

func TestShutdownSendsGoingAway(t *testing.T) {
	rdb := redistest.New(t)
	live, srv := startLive(t, Options{Redis: rdb})
	conns := []*websocket.Conn{dial(t, srv, nil), dial(t, srv, nil)}
	testwait.Until(t, 5*time.Second, "two clients", func() bool { return live.Stats().Clients == 2 })

	// The clients read while Shutdown runs, as browsers do, so the close
	// handshake completes.
	codes := make(chan websocket.StatusCode, len(conns))
	for _, c := range conns {
		go func() {
			code, _, _ := closeStatus(c, 5*time.Second)
			codes <- code
		}()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := live.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	for range conns {
		if code := <-codes; code != websocket.StatusGoingAway {
			t.Fatalf("client closed with %v, want 1001", code)
		}
	}
	if got := live.Stats().Clients; got != 0 {
		t.Fatalf("Clients = %d after Shutdown returned, want 0", got)
	}
	_, resp, err := websocket.Dial(ctx, wsURL(srv), nil)
	if err == nil || resp == nil || resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("dial after Shutdown: %v, want 503", err)
	}
}

// TestUnansweredPingsCloseTheSocket: a peer that stops answering pings is
// closed, while one that answers stays.
func TestUnansweredPingsCloseTheSocket(t *testing.T) {
	rdb := redistest.New(t)
	live, srv := startLive(t, Options{Redis: rdb, PingInterval: 20 * time.Millisecond, PongTimeout: 100 * time.Millisecond})

	pings := make(chan struct{}, 100)
	alive := dial(t, srv, &websocket.DialOptions{OnPingReceived: func(context.Context, []byte) bool {
		select {
		case pings <- struct{}{}:
		default:
		}
		return true
	}})
	mute := dial(t, srv, &websocket.DialOptions{OnPingReceived: func(context.Context, []byte) bool { return false }})
	// Both read (only a reader answers pings), forwarding purchases.
	aliveMsgs := make(chan []purchases.Purchase, 10)
	go func() {
		for {
			msg, err := tryRead(alive, time.Minute)
			if err != nil {
				close(aliveMsgs)
				return
			}
			if _, ok := msg["purchases"]; ok {
				aliveMsgs <- nil
			}
		}
	}()
	muteDone := make(chan error, 1)
	go func() {
		_, _, err := closeStatus(mute, time.Minute)
		muteDone <- err
	}()

	select {
	case err := <-muteDone:
		if err == nil {
			t.Fatal("mute client got a close frame; want the socket dropped")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("mute client still connected")
	}
	awaitPings(t, pings, 5, "answering client got no more pings: was it closed?")
	xadd(t, rdb, testPurchase(1, "A", 0))
	select {
	case _, ok := <-aliveMsgs:
		if !ok {
			t.Fatal("answering client was closed")
		}
	case <-time.After(time.Second):
		t.Fatal("answering client got no purchase")
	}
	if got := live.Stats().Clients; got != 1 {
		t.Fatalf("Clients = %d, want 1", got)
	}
}

// TestClientMessagesAreDiscardedOrRefused: what a client sends is ignored
// (a text message, a binary one even if it is not UTF-8), unless it is over
// the read limit (1009) or a text message that is not UTF-8 (1007, invalid
// frame payload data).
func TestClientMessagesAreDiscardedOrRefused(t *testing.T) {
	type clientMsg struct {
		kind websocket.MessageType
		data []byte
	}
	cases := []struct {
		name      string
		ignored   clientMsg
		refused   clientMsg
		closeCode websocket.StatusCode
	}{
		{"over the read limit", clientMsg{websocket.MessageText, []byte(`{"hello":"server"}`)},
			clientMsg{websocket.MessageText, make([]byte, readLimit+1)}, websocket.StatusMessageTooBig},
		{"text not UTF-8", clientMsg{websocket.MessageBinary, []byte{0xff, 0xfe}},
			clientMsg{websocket.MessageText, []byte("caf\xe9")}, websocket.StatusInvalidFramePayloadData},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rdb := redistest.New(t)
			_, srv := startLive(t, Options{Redis: rdb})
			conn := dial(t, srv, nil)
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if err := conn.Write(ctx, c.ignored.kind, c.ignored.data); err != nil {
				t.Fatal(err)
			}
			xadd(t, rdb, testPurchase(1, "A", 0))
			if got := ids(readPurchases(t, conn, time.Second)); !slices.Equal(got, []string{"test-1"}) {
				t.Fatalf("got %v after a client message, want [test-1]", got)
			}
			if err := conn.Write(ctx, c.refused.kind, c.refused.data); err != nil {
				t.Fatal(err)
			}
			code, _, err := closeStatus(conn, 5*time.Second)
			if code != c.closeCode {
				t.Fatalf("closed with %v (%v), want %d", code, err, c.closeCode)
			}
		})
	}
}

// TestSocketOutlivesServerTimeouts: the app's http.Server has read and
// write timeouts; they must not cut a long-lived socket.
func TestSocketOutlivesServerTimeouts(t *testing.T) {
	rdb := redistest.New(t)
	unstarted := httptest.NewUnstartedServer(nil)
	unstarted.Config.ReadTimeout = 50 * time.Millisecond
	unstarted.Config.WriteTimeout = 50 * time.Millisecond
	_, srv := startLiveOn(t, Options{Redis: rdb, PingInterval: 20 * time.Millisecond}, unstarted)

	pings := make(chan struct{}, 100)
	conn := dial(t, srv, &websocket.DialOptions{OnPingReceived: func(context.Context, []byte) bool {
		select {
		case pings <- struct{}{}:
		default:
		}
		return true
	}})
	msgs := make(chan message, 10)
	go func() {
		defer close(msgs)
		for {
			msg, err := tryRead(conn, time.Minute)
			if err != nil {
				return
			}
			msgs <- msg
		}
	}()
	// Ten pings answered: well past both server timeouts.
	awaitPings(t, pings, 10, "pings stopped: the socket was closed")
	xadd(t, rdb, testPurchase(1, "A", 0))
	select {
	case msg, ok := <-msgs:
		if !ok || msg["purchases"] == nil {
			t.Fatalf("got %v (open %v), want the purchase", msg, ok)
		}
	case <-time.After(time.Second):
		t.Fatal("no purchase after the server timeouts passed")
	}
}

// TestSocketsPerOwnerAreCapped: one owner (user) may hold MaxPerOwner
// sockets; the next handshake is refused with 429, and a socket that closes
// frees its place.
func TestSocketsPerOwnerAreCapped(t *testing.T) {
	rdb := redistest.New(t)
	_, srv := startLive(t, Options{Redis: rdb, MaxPerOwner: 2,
		Owner: func(r *http.Request) string { return r.Header.Get("X-Test-Owner") }})
	as := func(owner string) *websocket.DialOptions {
		return &websocket.DialOptions{HTTPHeader: http.Header{"X-Test-Owner": {owner}}}
	}
	first := dial(t, srv, as("alice"))
	dial(t, srv, as("alice"))
	dial(t, srv, as("bob")) // another owner is not affected

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, resp, err := websocket.Dial(ctx, wsURL(srv), as("alice"))
	if err == nil || resp == nil || resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("third socket for alice: err %v, response %v; want 429", err, resp)
	}
	first.Close(websocket.StatusNormalClosure, "")
	testwait.Until(t, 5*time.Second, "alice's place to be freed", func() bool {
		conn, _, err := websocket.Dial(ctx, wsURL(srv), as("alice"))
		if err != nil {
			return false
		}
		conn.CloseNow()
		return true
	})
}

// awaitPings waits for n pings, each within 5 seconds of the last.
func awaitPings(t *testing.T, pings <-chan struct{}, n int, failure string) {
	t.Helper()
	for range n {
		select {
		case <-pings:
		case <-time.After(5 * time.Second):
			t.Fatal(failure)
		}
	}
}
