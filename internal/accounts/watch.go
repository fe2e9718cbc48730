package accounts

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/beatsbyredis/beats/internal/retry"
)

// A WebSocket outlives the request that opened it, so the end of its login
// must reach it: logout, a password change, "log out everywhere", the
// account page ending it, reuse of a refresh token, or the session expiring
// (an idle hour, or its deadline). Many instances share one Redis, and the
// socket may be on any of them.
//
// LoginWatch does it without a Redis call per socket per second:
//   - every explicit end publishes the login's id on EndedChannel; each
//     instance subscribes once and closes its sockets of that login at once;
//   - expiry publishes nothing, so each socket keeps a timer set to when its
//     session and account documents expire; when it fires it reads their
//     TTLs again (other requests may have renewed the session) and either
//     closes the socket or sets the timer anew: about one read per socket per
//     idle hour;
//   - a message lost while the subscription reconnects is caught by checking
//     every watched socket each time the subscription is (re)established.

// LoginRef names a request's login for LoginWatch: its account and session ids.
type LoginRef struct {
	AccountID, SessionID string
}

type loginRefKey struct{}

// WithLoginRef returns ctx carrying the login of the request (set where the
// login is checked).
func WithLoginRef(ctx context.Context, l LoginRef) context.Context {
	return context.WithValue(ctx, loginRefKey{}, l)
}

// LoginRefFrom returns the login put in ctx by WithLoginRef.
func LoginRefFrom(ctx context.Context) (LoginRef, bool) {
	l, ok := ctx.Value(loginRefKey{}).(LoginRef)
	return l, ok
}

// expirySlack is added to a document's TTL before checking it again, so the
// check comes just after Redis expired it.
const expirySlack = 20 * time.Millisecond

// LoginWatch tells the holders of long-lived connections when their login
// ends; see above.
type LoginWatch struct {
	rdb redis.UniversalClient
	log *slog.Logger

	mu      sync.Mutex
	watches map[string]map[*watch]struct{} // by account id
}

type watch struct {
	ref   LoginRef
	end   func()
	once  sync.Once
	timer *time.Timer // guarded by LoginWatch.mu
	done  bool        // stopped or ended; guarded by LoginWatch.mu
}

// NewLoginWatch returns a watch over rdb; Run delivers the ends.
func NewLoginWatch(rdb redis.UniversalClient, log *slog.Logger) *LoginWatch {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &LoginWatch{rdb: rdb, log: log, watches: map[string]map[*watch]struct{}{}}
}

// Watch calls end, once, when the login of r (WithLoginRef) ends, until the
// returned stop is called. A request without a login is ended at once.
func (w *LoginWatch) Watch(r *http.Request, end func()) (stop func()) {
	ref, ok := LoginRefFrom(r.Context())
	if !ok || ref.AccountID == "" || ref.SessionID == "" {
		end()
		return func() {}
	}
	wt := &watch{ref: ref, end: end}
	w.mu.Lock()
	set := w.watches[ref.AccountID]
	if set == nil {
		set = map[*watch]struct{}{}
		w.watches[ref.AccountID] = set
	}
	set[wt] = struct{}{}
	w.mu.Unlock()
	// Registered first, checked second: an end published from now on is
	// delivered, one published before is found by the check.
	go w.check(context.Background(), wt)
	return func() { w.remove(wt) }
}

func (w *LoginWatch) remove(wt *watch) {
	w.mu.Lock()
	defer w.mu.Unlock()
	wt.done = true
	if wt.timer != nil {
		wt.timer.Stop()
	}
	if set := w.watches[wt.ref.AccountID]; set != nil {
		delete(set, wt)
		if len(set) == 0 {
			delete(w.watches, wt.ref.AccountID)
		}
	}
}

// ended ends wt: its holder is told, and it is watched no more.
func (w *LoginWatch) ended(wt *watch) {
	w.remove(wt)
	wt.once.Do(wt.end)
}

// check reads when wt's session and account expire, and ends wt if either
// is gone or sets its timer to check again then.
func (w *LoginWatch) check(ctx context.Context, wt *watch) {
	pipe := w.rdb.Pipeline()
	session := pipe.PTTL(ctx, SessionPrefix+wt.ref.SessionID)
	account := pipe.PTTL(ctx, AccountKey(wt.ref.AccountID))
	if _, err := pipe.Exec(ctx); err != nil && err != redis.Nil {
		// Redis is unreachable: look again shortly rather than close sockets
		// of logins that may well be alive.
		w.log.Warn("accounts: check a watched login", "err", err)
		w.schedule(wt, 5*time.Second)
		return
	}
	next := time.Duration(-1)
	for _, ttl := range []time.Duration{session.Val(), account.Val()} {
		switch {
		case ttl == -2: // the key is gone (go-redis keeps PTTL's -2 as is)
			w.ended(wt)
			return
		case ttl > 0 && (next < 0 || ttl < next):
			next = ttl
		}
	}
	if next > 0 {
		w.schedule(wt, next+expirySlack)
	}
}

func (w *LoginWatch) schedule(wt *watch, after time.Duration) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if wt.done {
		return
	}
	if wt.timer != nil {
		wt.timer.Stop()
	}
	wt.timer = time.AfterFunc(after, func() { w.check(context.Background(), wt) })
}

// Run subscribes to EndedChannel and ends the watches of every login
// published there, until ctx ends. Each time the subscription is
// (re)established it checks every watch, for ends published while it was not.
func (w *LoginWatch) Run(ctx context.Context) error {
	backoff := retry.NewBackoff(100*time.Millisecond, 5*time.Second)
	for {
		err := w.listen(ctx, backoff.Reset)
		if ctx.Err() != nil {
			return nil
		}
		w.log.Warn("accounts: ended-logins subscription lost", "err", err)
		if backoff.Wait(ctx) != nil {
			return nil
		}
	}
}

// listen runs one subscription; subscribed is called once it is up.
func (w *LoginWatch) listen(ctx context.Context, subscribed func()) error {
	sub := w.rdb.Subscribe(ctx, EndedChannel)
	defer sub.Close()
	// A blocked Receive ignores ctx's cancellation; closing unblocks it.
	stop := context.AfterFunc(ctx, func() { sub.Close() })
	defer stop()
	for {
		msg, err := sub.Receive(ctx)
		if err != nil {
			return err
		}
		switch m := msg.(type) {
		case *redis.Subscription:
			if m.Kind == "subscribe" {
				subscribed()
				go w.checkAll(ctx)
			}
		case *redis.Message:
			w.endAccounts(strings.Fields(m.Payload))
		}
	}
}

// endAccounts ends every watch of the logins ids.
func (w *LoginWatch) endAccounts(ids []string) {
	var ending []*watch
	w.mu.Lock()
	for _, id := range ids {
		for wt := range w.watches[id] {
			ending = append(ending, wt)
		}
	}
	w.mu.Unlock()
	for _, wt := range ending {
		w.ended(wt)
	}
}

// checkAll checks every watch, one after another (one round trip each),
// so a resubscription does not send every check to Redis at once.
func (w *LoginWatch) checkAll(ctx context.Context) {
	var all []*watch
	w.mu.Lock()
	for _, set := range w.watches {
		for wt := range set {
			all = append(all, wt)
		}
	}
	w.mu.Unlock()
	for _, wt := range all {
		if ctx.Err() != nil {
			return
		}
		w.check(ctx, wt)
	}
}

// Watching is how many connections are watched now, for tests and metrics.
func (w *LoginWatch) Watching() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	n := 0
	for _, set := range w.watches {
		n += len(set)
	}
	return n
}
