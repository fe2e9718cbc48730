package realtime

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/beatsbyredis/beats/internal/purchases"
	"github.com/beatsbyredis/beats/internal/redistest"
)

// TestTwoInstancesEachRelayEveryPurchaseOnce: instances do not share the
// stream out (as a consumer group would); each one's client sees it all.
func TestTwoInstancesEachRelayEveryPurchaseOnce(t *testing.T) {
	rdb := redistest.New(t)
	_, srvA := startLive(t, Options{Redis: rdb})
	_, srvB := startLive(t, Options{Redis: rdb})
	clients := map[string]*websocket.Conn{"A": dial(t, srvA, nil), "B": dial(t, srvB, nil)}
	seen := map[string]map[string]int{"A": {}, "B": {}}
	readUntil := func(id string) {
		t.Helper()
		for name, conn := range clients {
			for seen[name][id] == 0 {
				for _, p := range readPurchases(t, conn, 2*time.Second) {
					seen[name][p.ID]++
				}
			}
		}
	}

	// Singles and batches of three.
	const total = 30
	for n := 1; n <= total; {
		batch := []int{n}
		if n%4 == 0 && n+2 <= total {
			batch = append(batch, n+1, n+2)
		}
		ps := make([]purchases.Purchase, 0, len(batch))
		for _, i := range batch {
			ps = append(ps, testPurchase(i, "Artist", 0))
		}
		xadd(t, rdb, ps...)
		n += len(batch)
	}
	readUntil(fmt.Sprintf("test-%d", total))
	// A fence: a purchase sent twice would show up before it, as each
	// tailer relays in stream order.
	xadd(t, rdb, testPurchase(total+1, "Fence", 0))
	readUntil(fmt.Sprintf("test-%d", total+1))

	for name := range clients {
		for i := 1; i <= total+1; i++ {
			if id := fmt.Sprintf("test-%d", i); seen[name][id] != 1 {
				t.Errorf("client %s got %s %d times, want once", name, id, seen[name][id])
			}
		}
		if len(seen[name]) != total+1 {
			t.Errorf("client %s got %d distinct purchases, want %d", name, len(seen[name]), total+1)
		}
	}
}

func TestRunWithoutRedisFails(t *testing.T) {
	if err := New(Options{}).Run(context.Background()); err == nil {
		t.Fatal("Run without Options.Redis returned nil")
	}
}
