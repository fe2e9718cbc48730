package realtime

import (
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/beatsbyredis/beats/internal/redistest"
	"github.com/beatsbyredis/beats/internal/testwait"
)

// TestSocketClosesWhenItsLoginEnds: once the watch says the socket's login
// ended, the socket is closed with 1008 at once (the dashboard then asks to
// log in again), and the watch is stopped when the client is gone.
func TestSocketClosesWhenItsLoginEnds(t *testing.T) {
	rdb := redistest.New(t)
	ends := make(chan func(), 1)
	var stopped atomic.Int32
	_, srv := startLive(t, Options{
		Redis: rdb,
		Watch: func(r *http.Request, end func()) func() {
			ends <- end
			return func() { stopped.Add(1) }
		},
	})
	conn := dial(t, srv, nil)
	var end func()
	select {
	case end = <-ends:
	case <-time.After(5 * time.Second):
		t.Fatal("the socket's login was not watched")
	}
	start := time.Now()
	end()
	for {
		_, err := tryRead(conn, time.Second)
		if err == nil {
			continue // a welcome message sent before the end
		}
		if got := websocket.CloseStatus(err); got != websocket.StatusPolicyViolation {
			t.Fatalf("read after the login ended: %v; want close 1008", err)
		}
		break
	}
	if took := time.Since(start); took > time.Second {
		t.Fatalf("closed %v after the login ended; want within a second", took)
	}
	testwait.Until(t, 2*time.Second, "the watch to stop", func() bool { return stopped.Load() == 1 })
}
