package feed

import (
	"context"
	"log/slog"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/beatsbyredis/beats/internal/retry"
)

// LiveOptions configures the live client. Zero values take the defaults.
type LiveOptions struct {
	BaseURL        string       // default https://bandcamp.com
	Client         *http.Client // default a client without its own timeout
	Logger         *slog.Logger // default slog.Default()
	Now            func() time.Time
	PollInterval   time.Duration // between polls; default 60s, as the feed's windows are a minute
	MinBackoff     time.Duration // first retry delay; default 1s
	MaxBackoff     time.Duration // retry delay cap; default 5m
	RequestTimeout time.Duration // one request, body included; default 30s
	ProbeTimeout   time.Duration // Probe's single attempt; default 3s
	// Attempted, if set, hears of every poll of the API: nil when it
	// answered, else why not (see PublicError). Feed health listens here.
	Attempted func(err error)
}

func (o LiveOptions) withDefaults() LiveOptions {
	if o.BaseURL == "" {
		o.BaseURL = "https://bandcamp.com"
	}
	o.BaseURL = strings.TrimRight(o.BaseURL, "/")
	if o.Client == nil {
		// Per-request contexts carry the timeout, so no client-wide one.
		o.Client = &http.Client{}
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&o.PollInterval, 60*time.Second)
	def(&o.MinBackoff, time.Second)
	def(&o.MaxBackoff, 5*time.Minute)
	def(&o.RequestTimeout, 30*time.Second)
	def(&o.ProbeTimeout, 3*time.Second)
	o.MaxBackoff = max(o.MaxBackoff, o.MinBackoff)
	return o
}

// dedupWindows is how many windows back a purchase id is remembered: the
// feed's windows overlap by seconds, so a few windows is ample.
const dedupWindows = 5

// dedupCap bounds the remembered ids whatever times the feed sends; at the
// feed's 30–50 items a minute it is hours of purchases.
const dedupCap = 50_000

// Live reads the public Bandcamp sales feed: get_initial once, then get
// with start_date set to the previous answer's end_date, about once a minute.
// A Live is for one consumer: call Next (or NextRaw) from one goroutine.
type Live struct {
	opts    LiveOptions
	log     *slog.Logger
	cursor  int64 // the next window's start_date; 0 asks get_initial
	due     time.Time
	probed  *liveAnswer // Probe's answer, served by the first poll
	pending []Sale
	seen    *seenSet
}

// liveAnswer is one fetched answer, raw and decoded.
type liveAnswer struct {
	raw   []byte // bare, compact: one replay line
	ans   Answer
	began time.Time // when its request started, for the cadence
}

// NewLive returns a live source; it makes no request until used.
func NewLive(opts LiveOptions) *Live {
	opts = opts.withDefaults()
	return &Live{opts: opts, log: opts.Logger, seen: newSeenSet(dedupCap)}
}

// Mode is "live".
func (l *Live) Mode() string { return "live" }

// Next returns the next new sale. It polls the feed as needed and retries
// failures with backoff, so it blocks until a sale arrives, ctx is done, or the
// API answers with a client error (such as 404) that retrying cannot fix.
// Sales within one answer come in time order; a late purchase in a later
// answer can be older than one already returned.
func (l *Live) Next(ctx context.Context) (Sale, error) {
	for len(l.pending) == 0 {
		la, err := l.poll(ctx)
		if err != nil {
			return Sale{}, err
		}
		l.pending = l.admit(la.ans)
	}
	s := l.pending[0]
	l.pending[0] = Sale{} // let the items go once handed out
	l.pending = l.pending[1:]
	return s, nil
}

// NextRaw waits for the next poll and returns that answer as one line of
// compact JSON without the feed_data wrapper: the replay file format. Use
// either Next or NextRaw on one Live, not both: each answer is read once.
func (l *Live) NextRaw(ctx context.Context) ([]byte, error) {
	la, err := l.poll(ctx)
	return la.raw, err
}

// Probe makes one quick get_initial request (ProbeTimeout at most, no
// retries) to tell whether the live API answers. The answer is kept and
// served by the first Next, so probing costs no extra request.
func (l *Live) Probe(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, l.opts.ProbeTimeout)
	defer cancel()
	began := l.opts.Now()
	la, err := l.fetchOnce(ctx, l.url())
	if err != nil {
		return err
	}
	la.began = began
	l.probed = &la
	return nil
}

// poll waits until the next poll is due, then fetches the next window.
func (l *Live) poll(ctx context.Context) (liveAnswer, error) {
	if la := l.probed; la != nil {
		l.probed = nil
		l.attempted(nil)
		l.advance(la.ans, la.began)
		return *la, nil
	}
	if err := retry.Sleep(ctx, l.due.Sub(l.opts.Now())); err != nil {
		return liveAnswer{}, err
	}
	began := l.opts.Now()
	la, err := l.fetch(ctx, l.url())
	if err != nil {
		return liveAnswer{}, err
	}
	la.began = began
	l.advance(la.ans, began)
	return la, nil
}

func (l *Live) attempted(err error) {
	if l.opts.Attempted != nil {
		l.opts.Attempted(err)
	}
}

func (l *Live) url() string {
	if l.cursor == 0 {
		return l.opts.BaseURL + "/api/salesfeed/1/get_initial"
	}
	return l.opts.BaseURL + "/api/salesfeed/1/get?start_date=" + strconv.FormatInt(l.cursor, 10)
}

// advance moves the cursor to the answer's end and schedules the next poll
// one interval after this one began, so slow requests do not stretch the
// cadence. When the answer shows the window lagging the server by more than
// two windows (after an outage), the next poll comes at once to catch up.
func (l *Live) advance(ans Answer, began time.Time) {
	end := ans.EndDate
	if end == 0 {
		// No end_date: continue from the newest purchase seen instead.
		for _, ev := range ans.Events {
			end = max(end, int64(math.Floor(ev.UTCDate)))
		}
	}
	l.cursor = max(l.cursor, end)
	l.due = began.Add(l.opts.PollInterval)
	window := max(time.Duration(ans.EndDate-ans.StartDate)*time.Second, l.opts.PollInterval)
	if ans.EndDate > 0 && ans.ServerTime > 0 && time.Duration(ans.ServerTime-ans.EndDate)*time.Second > 2*window {
		l.due = began
	}
}

// admit turns an answer into sales not seen before, then forgets ids that
// are too old to come back.
func (l *Live) admit(ans Answer) []Sale {
	sales := salesOf(ans, func(it Item) bool { return l.seen.add(it.ID, it.UTCDate) }, l.opts.Now())
	if ans.StartDate > 0 {
		window := max(ans.EndDate-ans.StartDate, int64(l.opts.PollInterval/time.Second), 60)
		l.seen.forgetBefore(float64(ans.StartDate - dedupWindows*window))
	}
	l.log.Debug("feed: live answer", "start_date", ans.StartDate, "end_date", ans.EndDate,
		"events", len(ans.Events), "new_sales", len(sales), "remembered", l.seen.len())
	return sales
}
