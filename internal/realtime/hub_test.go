package realtime

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"
)

func TestHubDropsSlowSubscriberAndKeepsFastOne(t *testing.T) {
	tests := []struct {
		name      string
		queue     int
		sends     int
		wantDrop  bool
		dropAfter int // the broadcast that overflows the slow queue (1-based)
	}{
		{name: "queue never fills", queue: 8, sends: 8, wantDrop: false},
		{name: "queue overflows by one", queue: 8, sends: 9, wantDrop: true, dropAfter: 9},
		{name: "tiny queue", queue: 1, sends: 5, wantDrop: true, dropAfter: 2},
		{name: "zero means one", queue: 0, sends: 2, wantDrop: true, dropAfter: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hub := NewHub[[]byte](HubOptions{})
			fast := hub.Subscribe(tt.queue)
			slow := hub.Subscribe(tt.queue)
			for i := 1; i <= tt.sends; i++ {
				hub.Broadcast(fmt.Appendf(nil, "m%d", i))
				// The fast subscriber drains between broadcasts; the slow
				// one never reads.
				select {
				case got := <-fast.Messages():
					if want := fmt.Sprintf("m%d", i); string(got) != want {
						t.Fatalf("fast got %q, want %q", got, want)
					}
				default:
					t.Fatalf("fast subscriber missed message %d", i)
				}
				dropped := slow.Err() != nil
				if want := tt.wantDrop && i >= tt.dropAfter; dropped != want {
					t.Fatalf("after broadcast %d: slow dropped = %v, want %v", i, dropped, want)
				}
			}
			if fast.Err() != nil {
				t.Fatalf("fast subscriber ended: %v", fast.Err())
			}
			stats := hub.Stats()
			wantSubs, wantDropped := int64(2), uint64(0)
			if tt.wantDrop {
				wantSubs, wantDropped = 1, 1
				<-slow.Done()
				if !errors.Is(slow.Err(), ErrSlowConsumer) {
					t.Fatalf("slow Err = %v, want ErrSlowConsumer", slow.Err())
				}
			}
			if stats.Subscribers != wantSubs || stats.Dropped != wantDropped || stats.Broadcasts != uint64(tt.sends) {
				t.Fatalf("stats = %+v, want %d subscribers, %d dropped, %d broadcasts", stats, wantSubs, wantDropped, tt.sends)
			}
		})
	}
}

func TestHubUnsubscribe(t *testing.T) {
	hub := NewHub[[]byte](HubOptions{})
	s := hub.Subscribe(4)
	if s.Err() != nil {
		t.Fatalf("open subscription has Err %v", s.Err())
	}
	hub.Unsubscribe(s)
	hub.Unsubscribe(s) // twice is fine
	select {
	case <-s.Done():
	default:
		t.Fatal("Done not closed after Unsubscribe")
	}
	if !errors.Is(s.Err(), ErrUnsubscribed) {
		t.Fatalf("Err = %v, want ErrUnsubscribed", s.Err())
	}
	hub.Broadcast([]byte("after"))
	select {
	case m := <-s.Messages():
		t.Fatalf("got %q after Unsubscribe", m)
	default:
	}
	if got := hub.Stats().Subscribers; got != 0 {
		t.Fatalf("Subscribers = %d, want 0", got)
	}
}

func TestHubUnsubscribeAfterDropKeepsReason(t *testing.T) {
	hub := NewHub[[]byte](HubOptions{})
	s := hub.Subscribe(1)
	hub.Broadcast([]byte("1"))
	hub.Broadcast([]byte("2"))
	hub.Unsubscribe(s)
	if !errors.Is(s.Err(), ErrSlowConsumer) {
		t.Fatalf("Err = %v, want ErrSlowConsumer", s.Err())
	}
	if got := hub.Stats().Subscribers; got != 0 {
		t.Fatalf("Subscribers = %d, want 0", got)
	}
}

// TestHubBroadcastNeverBlocks: many subscribers that never read must not
// hold up a broadcast.
func TestHubBroadcastNeverBlocks(t *testing.T) {
	hub := NewHub[[]byte](HubOptions{})
	for range 100 {
		hub.Subscribe(2)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range 10 {
			hub.Broadcast([]byte("x"))
		}
	}()
	select {
	case <-done:
	case <-time.After(time.Second):
		t.Fatal("Broadcast blocked on subscribers that do not read")
	}
	if got := hub.Stats(); got.Subscribers != 0 || got.Dropped != 100 {
		t.Fatalf("stats = %+v, want all 100 dropped", got)
	}
}

// TestHubConcurrentUse is for the race detector: subscribers come and go
// while broadcasts run.
func TestHubConcurrentUse(t *testing.T) {
	hub := NewHub[[]byte](HubOptions{})
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 200 {
				s := hub.Subscribe(4)
				hub.Broadcast([]byte("x"))
				select {
				case <-s.Messages():
				case <-s.Done():
				}
				hub.Unsubscribe(s)
			}
		})
	}
	wg.Wait()
	if got := hub.Stats().Subscribers; got != 0 {
		t.Fatalf("Subscribers = %d, want 0", got)
	}
}

func TestHubBacklogCountsSubscribersWithQueuedMessages(t *testing.T) {
	hub := NewHub[[]byte](HubOptions{})
	subs := []*Subscription[[]byte]{hub.Subscribe(4), hub.Subscribe(4), hub.Subscribe(4)}
	check := func(wantWaiting, wantTotal int) {
		t.Helper()
		if waiting, total := hub.Backlog(); waiting != wantWaiting || total != wantTotal {
			t.Fatalf("Backlog = %d of %d, want %d of %d", waiting, total, wantWaiting, wantTotal)
		}
	}
	check(0, 3)
	hub.Broadcast([]byte("1"))
	hub.Broadcast([]byte("2"))
	check(3, 3)
	<-subs[0].Messages()
	<-subs[0].Messages()
	<-subs[1].Messages()
	check(2, 3)
	hub.Unsubscribe(subs[2])
	check(1, 2)
}
