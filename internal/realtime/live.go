package realtime

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
	"github.com/redis/go-redis/v9"

	"github.com/beatsbyredis/beats/internal/purchases"
)

// Defaults for Options.
const (
	DefaultSnapshotEvery = time.Minute
	DefaultReadBlock     = time.Second
	tailBatch            = 100
	// maxHold bounds how long the tailer holds new purchases while the
	// clients are still being written the previous message: the dashboard
	// still gets at least ten updates a second.
	maxHold = 100 * time.Millisecond
	// minGap is the least time between two broadcasts of purchases (see
	// pacer.hold).
	minGap = 25 * time.Millisecond
)

// Options configures Live; zero values take the defaults.
type Options struct {
	Redis     redis.UniversalClient // required
	Snapshots Snapshots             // optional: no snapshots without it
	Feed      FeedStatus            // optional: no {"feed":...} without it
	Logger    *slog.Logger

	QueueSize      int      // messages waiting per client before a drop (DefaultQueueSize)
	TrustedOrigins []string // see HandlerOptions.TrustedOrigins
	// Owner and MaxPerOwner cap the sockets one user holds; Watch closes a
	// socket when its login ends; HTTPS sets the page's own origin. See
	// HandlerOptions.
	Owner         func(*http.Request) string
	MaxPerOwner   int
	Watch         func(r *http.Request, end func()) (stop func())
	HTTPS         bool
	Presence      Presence // hears which owners have sockets here; see HandlerOptions
	SnapshotEvery time.Duration
	// FeedEvery is how often Feed is read (default 2 s); a change is
	// broadcast at once.
	FeedEvery time.Duration
	// ReadBlock is how long one XREAD waits for new purchases. A stop waits
	// for the XREAD in flight (go-redis honours a context's deadline on a
	// blocking read, not its cancellation), so this bounds how long Run
	// takes to return. Default 1 s, like the ingest consumer's.
	ReadBlock time.Duration

	PingInterval time.Duration // see HandlerOptions
	PongTimeout  time.Duration
	WriteTimeout time.Duration
}

// Stats are the live feed's counters, for metrics.
type Stats struct {
	Clients       int64  // sockets open now
	Accepted      uint64 // sockets accepted since start
	Refused       uint64 // handshakes refused
	SlowConsumers uint64 // clients dropped because their queue was full
	Broadcasts    uint64 // messages broadcast (purchase batches and snapshots)
	Purchases     uint64 // purchases relayed from the stream
	Snapshots     uint64 // snapshots built
	RedisErrors   uint64 // failed Redis calls, each retried
}

// Live is one instance's real-time feed: the stream tailer, the snapshot
// ticker and the WebSocket handler, sharing one hub.
type Live struct {
	rdb     redis.UniversalClient
	log     *slog.Logger
	hub     *Hub[*websocket.PreparedMessage]
	tail    *tailer
	snaps   *snapshotter // nil without Options.Snapshots
	handler *Handler

	feed      *feedWatcher // nil without Options.Feed
	ready     chan struct{}
	readyOnce sync.Once
	running   atomic.Bool
}

// New wires the feed; nothing touches Redis until Run.
func New(opts Options) *Live {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	l := &Live{
		rdb:   opts.Redis,
		log:   log,
		hub:   NewHub[*websocket.PreparedMessage](HubOptions{Logger: log}),
		ready: make(chan struct{}),
	}
	l.tail = &tailer{
		rdb:    opts.Redis,
		stream: purchases.LiveStream,
		out:    framer{hub: l.hub, log: log},
		log:    log,
		block:  orDefault(opts.ReadBlock, DefaultReadBlock),
		count:  tailBatch,
		ready:  func() { l.readyOnce.Do(func() { close(l.ready) }) },
		pacer:  &pacer{backlog: l.hub.Backlog, minGap: minGap, maxHold: maxHold},
	}
	if opts.Snapshots != nil {
		l.snaps = newSnapshotter(opts.Snapshots, l.hub, orDefault(opts.SnapshotEvery, DefaultSnapshotEvery), l.tail, l.ready, log)
	}
	if opts.Feed != nil {
		l.feed = &feedWatcher{
			read:  opts.Feed,
			hub:   l.hub,
			every: orDefault(opts.FeedEvery, defaultFeedEvery),
			log:   log,
		}
	}
	l.handler = NewHandler(HandlerOptions{
		Hub:            l.hub,
		Welcome:        l.welcome,
		QueueSize:      opts.QueueSize,
		TrustedOrigins: opts.TrustedOrigins,
		PingInterval:   opts.PingInterval,
		PongTimeout:    opts.PongTimeout,
		WriteTimeout:   opts.WriteTimeout,
		Logger:         log,
		Owner:          opts.Owner,
		MaxPerOwner:    opts.MaxPerOwner,
		Watch:          opts.Watch,
		HTTPS:          opts.HTTPS,
		Presence:       opts.Presence,
	})
	return l
}

// SendTo sends msg, a JSON object, to every socket of owner on this
// instance (and to no one else), framed once for all of them.
func (l *Live) SendTo(owner string, msg []byte) {
	fr, err := prepare(msg)
	if err != nil {
		l.log.Error("realtime: prepare message", "err", err)
		return
	}
	l.hub.SendTo(owner, fr)
}

// Run tails the stream and builds snapshots until ctx ends; it retries
// Redis failures itself, so it returns nil on a stop and an error only when
// misused.
func (l *Live) Run(ctx context.Context) error {
	if l.rdb == nil {
		return errors.New("realtime: Options.Redis is nil")
	}
	if !l.running.CompareAndSwap(false, true) {
		return errors.New("realtime: Run called twice")
	}
	var wg sync.WaitGroup
	wg.Go(func() { _ = l.tail.run(ctx) })
	if l.snaps != nil {
		wg.Go(func() { _ = l.snaps.run(ctx) })
	}
	if l.feed != nil {
		wg.Go(func() { _ = l.feed.run(ctx) })
	}
	l.log.InfoContext(ctx, "realtime: tailing the live stream", "stream", purchases.LiveStream)
	wg.Wait()
	return nil
}

// Ready is closed once the tailer knows where it starts: every purchase
// added to the stream after that reaches the clients. For readiness probes.
func (l *Live) Ready() <-chan struct{} { return l.ready }

// Handler serves GET /ws; the route must check the session first.
func (l *Live) Handler() http.Handler { return l.handler }

// Shutdown closes every socket with 1001 and waits for them, or for ctx.
// Cancel Run's context to stop reading Redis.
func (l *Live) Shutdown(ctx context.Context) error { return l.handler.Shutdown(ctx) }

// Stats returns the feed's counters.
func (l *Live) Stats() Stats {
	hs, ws := l.hub.Stats(), l.handler.Stats()
	s := Stats{
		Clients:       ws.Clients,
		Accepted:      ws.Accepted,
		Refused:       ws.Refused,
		SlowConsumers: hs.Dropped,
		Broadcasts:    hs.Broadcasts,
		Purchases:     l.tail.relayed.Load(),
		RedisErrors:   l.tail.errs.Load(),
	}
	if l.snaps != nil {
		s.Snapshots = l.snaps.built.Load()
		s.RedisErrors += l.snaps.errs.Load()
	}
	if l.feed != nil {
		s.RedisErrors += l.feed.errs.Load()
	}
	return s
}

// welcome is what a new client gets first: the feed's status, then a
// snapshot at least as new as the charts its page may have just read over
// REST, so its charts are filled without waiting for the next minute.
func (l *Live) welcome() []*websocket.PreparedMessage {
	var msgs []*websocket.PreparedMessage
	if l.feed != nil {
		if st := l.feed.cached(); st != nil {
			msgs = append(msgs, st)
		}
	}
	if l.snaps != nil {
		ctx, cancel := context.WithTimeout(context.Background(), newClientWait)
		defer cancel()
		if snap := l.snaps.forNewClient(ctx); snap != nil {
			msgs = append(msgs, snap)
		}
	}
	return msgs
}
