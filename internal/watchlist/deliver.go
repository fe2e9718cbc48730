package watchlist

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/beatsbyredis/beats/internal/purchases"
	"github.com/beatsbyredis/beats/internal/streamtail"
)

// Sender sends one message to every open socket of a user on this
// instance, and to no one else (*realtime.Live).
type Sender interface {
	SendTo(userID string, msg []byte)
}

// liveMessage is what a user's sockets receive: the matches of what one
// read of watch:live brought, newest first, in the list's shape.
type liveMessage struct {
	WatchMatches []Match `json:"watchMatches"`
}

// Deliverer is one instance's side of the live alerts. It tails watch:live
// (every instance reads every entry, as with purchases:live) and sends
// each match to this instance's sockets of the users who watch its term.
// It knows the terms of the users who have a socket here: loaded when their
// first socket opens (Join), reloaded when a notice on the stream says they
// changed, in stream order, so a match is judged by the terms of its time.
type Deliverer struct {
	rdb redis.UniversalClient
	log *slog.Logger

	mu       sync.Mutex
	users    map[string]*present            // users with a socket here
	watchers map[string]map[string]*present // term id → those users who watch it

	ready     chan struct{}
	readyOnce sync.Once
	sent      atomic.Uint64 // matches sent, one per user and term
}

// present is a user with a socket here.
type present struct {
	user    string
	sockets int
	gen     uint64           // bumped by each load; a load that finds it changed is stale
	watches map[string]Watch // term id → the user's Watch
}

// NewDeliverer returns a Deliverer; Run starts it.
func NewDeliverer(rdb redis.UniversalClient, log *slog.Logger) *Deliverer {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Deliverer{
		rdb: rdb, log: log,
		users: map[string]*present{}, watchers: map[string]map[string]*present{},
		ready: make(chan struct{}),
	}
}

// loadTimeout bounds the load of one user's terms.
const loadTimeout = 5 * time.Second

// How Run reads watch:live: up to tailCount entries a read, each read
// waiting up to tailBlock, which bounds how long a stop takes.
const (
	tailCount = 100
	tailBlock = time.Second
)

// Join is told that a socket of user opened here (realtime.Presence). The
// first one loads the user's terms, in the background.
func (d *Deliverer) Join(user string) {
	d.mu.Lock()
	p := d.users[user]
	if p != nil {
		p.sockets++
		d.mu.Unlock()
		return
	}
	p = &present{user: user, sockets: 1}
	d.users[user] = p
	d.mu.Unlock()
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), loadTimeout)
		defer cancel()
		d.load(ctx, p)
	}()
}

// Leave is told that a socket of user closed here; with the last one the
// user's terms are forgotten.
func (d *Deliverer) Leave(user string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	p := d.users[user]
	if p == nil {
		return
	}
	if p.sockets--; p.sockets > 0 {
		return
	}
	delete(d.users, user)
	d.setWatchesLocked(p, nil)
}

// load reads p's terms and puts them in place, unless p left or a newer
// load started meanwhile.
func (d *Deliverer) load(ctx context.Context, p *present) {
	d.mu.Lock()
	p.gen++
	gen := p.gen
	d.mu.Unlock()
	raw, err := d.rdb.HGetAll(ctx, userKey(p.user)).Result()
	if err != nil {
		d.log.WarnContext(ctx, "watchlist: loading a user's terms failed; no alerts for them until they change or reconnect", "user", p.user, "err", err)
		return
	}
	watches := decodeWatches(raw)
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.users[p.user] == p && p.gen == gen {
		d.setWatchesLocked(p, watches)
	}
}

// setWatchesLocked replaces p's terms in the index by term; d.mu is held.
func (d *Deliverer) setWatchesLocked(p *present, watches []Watch) {
	for id := range p.watches {
		if delete(d.watchers[id], p.user); len(d.watchers[id]) == 0 {
			delete(d.watchers, id)
		}
	}
	p.watches = make(map[string]Watch, len(watches))
	for _, w := range watches {
		p.watches[w.ID] = w
		if d.watchers[w.ID] == nil {
			d.watchers[w.ID] = map[string]*present{}
		}
		d.watchers[w.ID][p.user] = p
	}
}

// Ready is closed once the tail knows where it starts: every match stored
// after that reaches this instance's sockets.
func (d *Deliverer) Ready() <-chan struct{} { return d.ready }

// Sent is how many matches this instance has sent, one per user and term.
func (d *Deliverer) Sent() uint64 { return d.sent.Load() }

// Run tails watch:live and sends the matches through send until ctx ends,
// retrying Redis failures from where it stopped. (The sockets' side is
// made after the Deliverer, which it tells who is connected.)
func (d *Deliverer) Run(ctx context.Context, send Sender) error {
	streamtail.New(d.rdb, LiveStream, tailCount, tailBlock).Run(ctx, streamtail.Loop{
		Started: func() { d.readyOnce.Do(func() { close(d.ready) }) },
		Entries: func(ctx context.Context, msgs []redis.XMessage) { d.handle(ctx, msgs, send) },
		Failed:  func(ctx context.Context, err error) { d.failed(ctx, fmt.Errorf("watchlist: %w", err)) },
	})
	return nil
}

func (d *Deliverer) failed(ctx context.Context, err error) {
	if ctx.Err() == nil {
		d.log.WarnContext(ctx, "watchlist: reading the live matches failed, retrying", "err", err)
	}
}

// handle goes through one read's entries in order: a notice reloads that
// user's terms (when the user has a socket here); a match is added to the
// messages of the users here who watch one of its terms. Each user then
// gets one message.
func (d *Deliverer) handle(ctx context.Context, entries []redis.XMessage, send Sender) {
	out := map[string][]Match{}
	for _, e := range entries {
		if user, ok := e.Values["u"].(string); ok {
			d.mu.Lock()
			p := d.users[user]
			d.mu.Unlock()
			if p != nil {
				d.load(ctx, p)
			}
			continue
		}
		d.collect(ctx, e, out)
	}
	for user, matches := range out {
		slices.Reverse(matches) // newest first, as the list
		msg, err := json.Marshal(liveMessage{WatchMatches: matches})
		if err != nil {
			d.log.ErrorContext(ctx, "watchlist: encode matches", "err", err)
			continue
		}
		send.SendTo(user, msg)
		d.sent.Add(uint64(len(matches)))
	}
}

// collect adds one match entry's matches to out, by user.
func (d *Deliverer) collect(ctx context.Context, e redis.XMessage, out map[string][]Match) {
	terms, _ := e.Values["t"].(string)
	at, ok := parseStreamID(e.ID)
	if !ok || terms == "" {
		return
	}
	var found []Match
	var users []string
	d.mu.Lock()
	for _, id := range strings.Fields(terms) {
		for user, p := range d.watchers[id] {
			found = append(found, Match{ID: e.ID + "." + id, WatchID: id, Term: p.watches[id].Term, At: at.ms})
			users = append(users, user)
		}
	}
	d.mu.Unlock()
	if len(found) == 0 {
		return // no one here watches it: the document is not even decoded
	}
	doc, _ := e.Values["doc"].(string)
	p, err := purchases.DecodeDocument(doc)
	if err != nil {
		d.log.WarnContext(ctx, "watchlist: skipping a match entry", "id", e.ID, "err", err)
		return
	}
	p.ID, _ = e.Values["p"].(string)
	for i := range found {
		found[i].Purchase = p
		out[users[i]] = append(out[users[i]], found[i])
	}
}
