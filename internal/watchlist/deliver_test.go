package watchlist_test

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/beatsbyredis/beats/internal/testwait"
	"github.com/beatsbyredis/beats/internal/watchlist"
)

// inbox records what a Deliverer sends, by user (it stands for the sockets).
type inbox struct {
	mu   sync.Mutex
	msgs map[string][]watchlistMessage
}

type watchlistMessage struct {
	WatchMatches []watchlist.Match `json:"watchMatches"`
}

func (in *inbox) SendTo(user string, msg []byte) {
	var m watchlistMessage
	if err := json.Unmarshal(msg, &m); err != nil {
		panic(err)
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	in.msgs[user] = append(in.msgs[user], m)
}

func (in *inbox) of(user string) []watchlistMessage {
	in.mu.Lock()
	defer in.mu.Unlock()
	return append([]watchlistMessage(nil), in.msgs[user]...)
}

func startDeliverer(t *testing.T, d *watchlist.Deliverer, send watchlist.Sender) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = d.Run(ctx, send); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	select {
	case <-d.Ready():
	case <-time.After(5 * time.Second):
		t.Fatal("deliverer not ready")
	}
}

// TestDelivererSendsToWatchersHere: a match goes to the users here who
// watch its term and to no one else; a term added while connected counts
// from then on; a user whose last socket closed gets nothing.
func TestDelivererSendsToWatchersHere(t *testing.T) {
	rdb, s, saver := setup(t)
	in := &inbox{msgs: map[string][]watchlistMessage{}}
	d := watchlist.NewDeliverer(rdb, nil)
	startDeliverer(t, d, in)

	d.Join("alice")
	d.Join("alice") // a second tab
	d.Join("bob")
	d.Join("carol")
	// Terms added while connected: each add's notice reloads the user's
	// terms in stream order, before the matches stored after it.
	gore := add(t, s, "alice", "gore")
	add(t, s, "carol", "nothing like it")
	ps := numbered(3, "𝐺𝑂𝑅𝐸", "Japan")
	saveAll(t, saver, ps[:1])
	testwait.Until(t, 5*time.Second, "alice's alert", func() bool { return len(in.of("alice")) == 1 })
	got := in.of("alice")[0].WatchMatches
	if len(got) != 1 || got[0].WatchID != gore.ID || got[0].Term != "gore" || got[0].Purchase.ID != ps[0].ID || got[0].Purchase.ArtistName != "𝐺𝑂𝑅𝐸" {
		t.Fatalf("alice got %+v", got)
	}

	// Bob watches it now: the notice reloads his terms before the next match.
	add(t, s, "bob", "GORE")
	saveAll(t, saver, ps[1:2])
	testwait.Until(t, 5*time.Second, "bob's alert", func() bool { return len(in.of("bob")) == 1 })
	testwait.Until(t, 5*time.Second, "alice's next alert", func() bool { return len(in.of("alice")) == 2 })

	d.Leave("alice")
	d.Leave("alice")
	saveAll(t, saver, ps[2:])
	testwait.Until(t, 5*time.Second, "bob's second alert", func() bool { return len(in.of("bob")) == 2 })
	if n := len(in.of("alice")); n != 2 {
		t.Errorf("alice, gone, got %d messages; want the 2 from before", n)
	}
	if n := len(in.of("carol")); n != 0 {
		t.Errorf("carol, who watches something else, got %d messages", n)
	}
	if d.Sent() != 4 {
		t.Errorf("Sent = %d, want 4", d.Sent())
	}
}
