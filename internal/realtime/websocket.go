package realtime

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"path"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// Defaults for HandlerOptions.
const (
	// DefaultQueueSize is in messages, each a batch of purchases or a
	// snapshot: a client 32 behind is seconds behind, and resynchronizes
	// faster by reconnecting. (Each slot costs every socket 24 bytes.)
	DefaultQueueSize    = 32
	DefaultPingInterval = 30 * time.Second
	DefaultPongTimeout  = 10 * time.Second
	DefaultWriteTimeout = 10 * time.Second

	// readLimit caps a client message: clients have nothing to say, so
	// anything big is a mistake or an attack (closed with 1009).
	readLimit = 4 << 10
	// readBufferSize is the socket's read buffer, kept for its lifetime:
	// small, since clients only send pongs and the odd close.
	readBufferSize = 512
)

// HandlerOptions configures a Handler; zero values take the defaults.
type HandlerOptions struct {
	Hub *Hub[*websocket.PreparedMessage] // where messages come from
	// Welcome returns the messages a new client gets before anything else
	// (the feed mode, the latest snapshot). Optional.
	Welcome func() []*websocket.PreparedMessage
	// QueueSize is how many messages may wait for one slow client before it
	// is dropped.
	QueueSize int
	// TrustedOrigins may open the socket besides the page's own host: hosts
	// ("dash.example.com") or origins ("https://dash.example.com"), with
	// path.Match wildcards.
	TrustedOrigins []string
	PingInterval   time.Duration // keepalive ping period
	PongTimeout    time.Duration // a ping unanswered this long closes the socket
	WriteTimeout   time.Duration // one message's write; a stuck peer is closed
	Logger         *slog.Logger
	// Owner names who opened a socket (the logged-in user); with
	// MaxPerOwner, one owner may hold at most that many sockets at once, so
	// one account cannot tie up the server's memory. Optional.
	Owner       func(*http.Request) string
	MaxPerOwner int
	// Watch, when set, tells a socket when the login it was opened with ends
	// (logout, password change, expiry...): it calls end once then, until
	// stop; the socket is then closed with 1008. Optional.
	Watch func(r *http.Request, end func()) (stop func())
	// HTTPS: the page is served over HTTPS (directly or behind a TLS proxy),
	// so its own origin is https://host. Without it, and without TLS on the
	// connection, it is http://host.
	HTTPS bool
	// Presence, when set, hears of each socket of an owner opening and
	// closing here, so that it knows whom to SendTo (the watchlist's
	// deliverer, which counts them). It must not block. Optional; needs
	// Owner.
	Presence Presence
}

// Presence is told which owners have sockets on this instance.
type Presence interface {
	Join(owner string)  // a socket of owner opened
	Leave(owner string) // a socket of owner closed
}

// HandlerStats are the handler's counters.
type HandlerStats struct {
	Clients  int64  // sockets open now
	Accepted uint64 // sockets accepted since start
	Refused  uint64 // handshakes refused (bad origin, not a WebSocket, shutting down)
}

// Handler serves GET /ws. The route in front of it checks the session; the
// handler checks the Origin, since browsers send cookies with cross-site
// WebSocket handshakes and the same-origin policy does not apply to them.
type Handler struct {
	opts     HandlerOptions
	log      *slog.Logger
	origins  []string
	upgrader websocket.Upgrader

	mu       sync.Mutex // guards shutting, the wg.Add that follows its check, and owned
	shutting bool
	owned    map[string]int // sockets open per owner
	closing  chan struct{}  // closed by Shutdown: every client says goodbye
	wg       sync.WaitGroup

	clients  atomic.Int64
	accepted atomic.Uint64
	refused  atomic.Uint64
}

// NewHandler returns a Handler for opts.
func NewHandler(opts HandlerOptions) *Handler {
	if opts.Hub == nil {
		opts.Hub = NewHub[*websocket.PreparedMessage](HubOptions{Logger: opts.Logger})
	}
	if opts.Welcome == nil {
		opts.Welcome = func() []*websocket.PreparedMessage { return nil }
	}
	opts.QueueSize = orDefault(opts.QueueSize, DefaultQueueSize)
	opts.PingInterval = orDefault(opts.PingInterval, DefaultPingInterval)
	opts.PongTimeout = orDefault(opts.PongTimeout, DefaultPongTimeout)
	opts.WriteTimeout = orDefault(opts.WriteTimeout, DefaultWriteTimeout)
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	h := &Handler{opts: opts, log: opts.Logger, closing: make(chan struct{}), owned: map[string]int{}}
	for _, p := range opts.TrustedOrigins {
		// A malformed pattern would make every cross-origin handshake fail
		// with a 403 and no hint why; say so once, here.
		if _, err := path.Match(p, ""); err != nil {
			h.log.Error("realtime: ignoring malformed trusted origin", "pattern", p, "err", err)
			continue
		}
		h.origins = append(h.origins, p)
	}
	h.upgrader = websocket.Upgrader{
		HandshakeTimeout: opts.WriteTimeout,
		ReadBufferSize:   readBufferSize,
		// Writes go out as prepared frames, straight to the socket; the pool
		// serves only the library's own buffered writes, so an idle socket
		// holds no write buffer.
		WriteBufferPool: &sync.Pool{},
		// Browsers offer permessage-deflate; a prepared frame is deflated
		// once for all the sockets that accept it (JSON shrinks about 4x).
		EnableCompression: true,
		CheckOrigin:       h.checkOrigin,
		Error:             handshakeError,
	}
	return h
}

// checkOrigin lets through the page's own origin (same scheme, host and
// port), the trusted ones, and requests without an Origin (not a browser,
// so no cookie rides along unasked).
func (h *Handler) checkOrigin(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" {
		return false
	}
	own := "http"
	if r.TLS != nil || h.opts.HTTPS {
		own = "https"
	}
	if strings.EqualFold(u.Scheme, own) && hostPort(u.Host, own) == hostPort(r.Host, own) {
		return true
	}
	for _, p := range h.origins {
		target := u.Host
		if strings.Contains(p, "://") {
			target = u.Scheme + "://" + u.Host
		}
		if ok, _ := path.Match(strings.ToLower(p), strings.ToLower(target)); ok {
			return true
		}
	}
	return false
}

// hostPort is host[:port] in lower case with the scheme's default port
// made explicit, so "Example.com" and "example.com:443" compare equal
// under https.
func hostPort(host, scheme string) string {
	name, port, err := net.SplitHostPort(host)
	if err != nil {
		name, port = strings.Trim(host, "[]"), "80"
		if scheme == "https" {
			port = "443"
		}
	}
	return net.JoinHostPort(strings.ToLower(name), port)
}

// handshakeError answers a refused handshake in JSON, like every other error.
func handshakeError(w http.ResponseWriter, _ *http.Request, status int, reason error) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Sec-Websocket-Version", "13")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": reason.Error()})
}

func orDefault[T int | time.Duration](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}

// ServeHTTP upgrades the request and hands the client to a goroutine of its
// own, then returns: net/http's goroutine, with the stack it grew through
// the middleware, and the request are freed while the socket lives on.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	owner := ""
	if h.opts.Owner != nil {
		owner = h.opts.Owner(r)
	}
	switch h.enter(owner) {
	case errShuttingDown:
		h.refused.Add(1)
		w.Header().Set("Retry-After", "5")
		http.Error(w, "server shutting down", http.StatusServiceUnavailable)
		return
	case errTooManySockets:
		h.refused.Add(1)
		w.Header().Set("Retry-After", "30")
		http.Error(w, "too many live connections for this account", http.StatusTooManyRequests)
		return
	}

	conn, err := h.upgrader.Upgrade(w, r, nil)
	if err != nil {
		h.leave(owner)
		h.refused.Add(1) // Upgrade has answered with the 403 or 4xx
		h.log.DebugContext(r.Context(), "realtime: handshake refused", "origin", r.Header.Get("Origin"), "err", err)
		return
	}
	conn.SetReadLimit(readLimit)
	h.accepted.Add(1)
	h.clients.Add(1)

	// Subscribe before reading the welcome messages: a snapshot broadcast in
	// between then arrives through the queue instead of being missed.
	sub := h.opts.Hub.SubscribeOwner(owner, h.opts.QueueSize)
	ended, stopWatch := h.watch(r)
	if h.opts.Presence != nil && owner != "" {
		h.opts.Presence.Join(owner)
	}
	remote := r.RemoteAddr
	// The request's context must not be used after a hijack; the client
	// lives on its own, ended by the peer, a failure or Shutdown.
	go func() {
		defer h.leave(owner)
		defer h.clients.Add(-1)
		defer h.opts.Hub.Unsubscribe(sub)
		defer stopWatch()
		if h.opts.Presence != nil && owner != "" {
			defer h.opts.Presence.Leave(owner)
		}
		reason := h.serve(conn, sub, ended)
		h.log.Debug("realtime: client gone", "remote", remote, "reason", reason)
	}()
}

// watch starts watching r's login (HandlerOptions.Watch): ended is closed
// when it ends.
func (h *Handler) watch(r *http.Request) (ended <-chan struct{}, stop func()) {
	if h.opts.Watch == nil {
		return nil, func() {}
	}
	ch := make(chan struct{})
	var once sync.Once
	stop = h.opts.Watch(r, func() { once.Do(func() { close(ch) }) })
	return ch, stop
}

// Why enter refuses a client.
var (
	errShuttingDown   = errors.New("shutting down")
	errTooManySockets = errors.New("too many sockets for one owner")
)

// enter registers a client unless the handler is shutting down or its owner
// ("" for none) already holds MaxPerOwner sockets.
func (h *Handler) enter(owner string) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.shutting {
		return errShuttingDown
	}
	if owner != "" && h.opts.MaxPerOwner > 0 {
		if h.owned[owner] >= h.opts.MaxPerOwner {
			return errTooManySockets
		}
		h.owned[owner]++
	}
	h.wg.Add(1)
	return nil
}

// leave undoes enter when the client is gone.
func (h *Handler) leave(owner string) {
	if owner != "" && h.opts.MaxPerOwner > 0 {
		h.mu.Lock()
		if h.owned[owner]--; h.owned[owner] <= 0 {
			delete(h.owned, owner)
		}
		h.mu.Unlock()
	}
	h.wg.Done()
}

// Shutdown closes every socket with 1001 (going away) and waits for the
// clients' goroutines, or for ctx. New handshakes get 503 from then on.
// http.Server.Shutdown does not do this: it forgets hijacked connections.
func (h *Handler) Shutdown(ctx context.Context) error {
	h.mu.Lock()
	if !h.shutting {
		h.shutting = true
		close(h.closing)
	}
	h.mu.Unlock()

	done := make(chan struct{})
	go func() {
		h.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		// The clients still finish on their own: each close handshake is
		// bounded by the library's timeouts.
		return errors.Join(errors.New("realtime: shutdown: clients still closing"), ctx.Err())
	}
}

// Stats returns the handler's counters.
func (h *Handler) Stats() HandlerStats {
	return HandlerStats{Clients: h.clients.Load(), Accepted: h.accepted.Load(), Refused: h.refused.Load()}
}
