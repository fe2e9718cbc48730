package realtime

import (
	"errors"
	"testing"
)

// TestHubSendToReachesOnlyTheOwner: SendTo queues for each subscription of
// its owner and for no other; a full queue drops that subscription as a
// broadcast would; an ended subscription gets nothing more.
func TestHubSendToReachesOnlyTheOwner(t *testing.T) {
	hub := NewHub[string](HubOptions{})
	tab1 := hub.SubscribeOwner("alice", 1)
	tab2 := hub.SubscribeOwner("alice", 4)
	bob := hub.SubscribeOwner("bob", 4)
	anon := hub.Subscribe(4)

	hub.SendTo("alice", "for alice")
	for name, s := range map[string]*Subscription[string]{"tab1": tab1, "tab2": tab2} {
		if got := <-s.Messages(); got != "for alice" {
			t.Fatalf("%s got %q", name, got)
		}
	}
	for name, s := range map[string]*Subscription[string]{"bob": bob, "anonymous": anon} {
		if len(s.Messages()) != 0 {
			t.Fatalf("%s got alice's message", name)
		}
	}

	hub.SendTo("alice", "one")
	hub.SendTo("alice", "two") // tab1's queue of 1 is full
	if !errors.Is(tab1.Err(), ErrSlowConsumer) || tab2.Err() != nil {
		t.Fatalf("tab1 %v, tab2 %v; want only tab1 dropped", tab1.Err(), tab2.Err())
	}
	hub.Unsubscribe(tab2)
	hub.SendTo("alice", "after")
	hub.Broadcast("everyone")
	if got := <-bob.Messages(); got != "everyone" {
		t.Fatalf("bob got %q, want the broadcast", got)
	}
	if n := len(hub.owners); n != 1 {
		t.Fatalf("hub remembers %d owners, want bob's alone", n)
	}
}
