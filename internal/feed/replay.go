package feed

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// ReplayOptions configures a replay. Zero values take the defaults.
type ReplayOptions struct {
	KeepTimes bool // keep recorded times instead of moving them to now
	// Speed is the pace Run will play the replay at (1 real time, 0 as
	// fast as possible): re-timing needs it to date every purchase at or
	// before the moment it is published.
	Speed float64
	// Retention is how long the store keeps purchases (0: no limit). Kept
	// times older than it are left out, with a warning; re-timed ones are
	// fitted inside it.
	Retention time.Duration
	Logger    *slog.Logger // default slog.Default()
	Now       func() time.Time
}

// Replay plays a file of recorded answers (one JSON answer per line, either
// shape, optionally gzipped). It loads the whole file when opened: sorting
// sales across overlapping windows needs them all, and a day of recording
// decodes to a few tens of megabytes.
//
// Re-timing (without KeepTimes). The recorded times are first laid on a
// compressed timeline: each gap between sales longer than maxGap is cut to
// maxGap (a recording with a pause of days plays straight through, as Run
// also cuts such waits), and if, played at Speed, the whole would still
// reach back further than the retention, every gap is scaled down by the same
// factor. The replay is then placed so that its last sale is dated the moment
// Run publishes it: at speed 1 the first sale is dated now and each one when
// it is published; at speed s > 1 the first is dated span×(1−1/s) before now
// and the dates catch up with the clock as the replay plays; at speed 0 the
// whole replay is dated before now, ending now. Every purchase is thus dated
// at or before its publication, in the recorded order and spacing, and no
// sale is ever moved into the future (which the store refuses).
//
// Resuming. Each sale carries a Mark of its position; the publisher stores
// it with the sale, and Resume moves a replay opened again (a restart, or
// another instance taking over) to just after the last stored sale. The
// mark's key is the file's content hash, so a renamed file resumes and an
// edited one starts over.
type Replay struct {
	sales []Sale    // recorded times, in time order; never changed
	at    []float64 // each sale on the compressed timeline
	next  int
	bad   int
	keep  bool
	speed float64
	now   func() time.Time
	key   string
	ttl   time.Duration
	// offset, fixed at the first Next after opening or resuming, takes the
	// compressed timeline to the dates handed out.
	offset float64
	timed  bool
}

// maxGap is the longest gap between two sales a re-timed replay keeps: the
// feed answers in one-minute windows, so a longer one is a recording paused.
const maxGap = 60.0

// NewReplay reads the file at path. Bad lines (a truncated last line, a
// stray HTML page) are logged at warn, counted and skipped. A file without a
// single sale is an error, since replaying it would show nothing.
func NewReplay(path string, opts ReplayOptions) (*Replay, error) {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("feed: replay: %w", err)
	}
	defer f.Close()
	var checkNow time.Time // re-timed sales are checked when stored
	if opts.KeepTimes {
		checkNow = opts.Now()
	}
	// The file is hashed (its position's key) as it is read, in one pass.
	hash := sha256.New()
	sales, bad, err := readSales(io.TeeReader(f, hash), path, opts.Logger, checkNow)
	if err != nil {
		return nil, fmt.Errorf("feed: replay %s: %w", path, err)
	}
	// What the reading left (after a cut-off gzip stream) is hashed too.
	if _, err := io.Copy(hash, f); err != nil {
		return nil, fmt.Errorf("feed: replay: hash %s: %w", path, err)
	}
	key := hex.EncodeToString(hash.Sum(nil))
	if len(sales) == 0 {
		return nil, fmt.Errorf("feed: replay %s: %w: no sales in the file (%d bad lines)", path, ErrNothingToReplay, bad)
	}
	if opts.KeepTimes && opts.Retention > 0 {
		if sales, err = dropExpired(sales, opts, path); err != nil {
			return nil, err
		}
	}
	r := &Replay{
		sales: sales, bad: bad, keep: opts.KeepTimes, speed: opts.Speed, now: opts.Now,
		key: ReplayKeyPrefix + key, ttl: opts.Retention,
	}
	r.at = compressedTimes(sales, opts.Speed, opts.Retention)
	opts.Logger.Info("feed: replay loaded", "file", path, "sales", len(sales), "bad_lines", bad,
		"keep_times", opts.KeepTimes, "key", r.key)
	return r, nil
}

// ErrNothingToReplay: the recording has no purchase to publish (none in the
// file, or, with --keep-times, none within --retention). Reading the same
// file again gives the same answer, so it is not worth a retry.
var ErrNothingToReplay = errors.New("nothing to replay")

// ReplayKeyPrefix starts the Redis key of a replay's position; the rest is
// the hex SHA-256 of the file's content.
const ReplayKeyPrefix = "feed:replay:"

// dropExpired leaves out kept times the store would not keep: a purchase
// older than the retention would show in search and top sellers but in
// neither the history nor the map, so none of it is stored, and the start-up
// log says so with the numbers and the retention that would keep them all.
func dropExpired(sales []Sale, opts ReplayOptions, path string) ([]Sale, error) {
	// The margin lets a purchase near the edge still be inside when stored.
	cutoff := unixSeconds(opts.Now().Add(-opts.Retention + 10*time.Minute))
	keep := sort.Search(len(sales), func(i int) bool { return sales[i].UTCDate >= cutoff })
	if keep == 0 {
		return sales, nil
	}
	old := 0
	for _, s := range sales[:keep] {
		old += len(s.Items)
	}
	oldest := sales[0].UTCDate
	for _, s := range sales { // the first with items: a sale of rejects only may have no time
		if len(s.Items) > 0 {
			oldest = s.UTCDate
			break
		}
	}
	age := time.Duration((unixSeconds(opts.Now()) - oldest) * float64(time.Second))
	need := (age/(24*time.Hour) + 2) * 24 * time.Hour
	opts.Logger.Warn(fmt.Sprintf("feed: replay: %d of the recording's purchases are older than --retention %v and are "+
		"left out (the history and the map would not show them while search and top sellers did); "+
		"--retention %dd keeps them all, or drop --keep-times to move them to now",
		old, opts.Retention, need/(24*time.Hour)),
		"file", path, "left_out", old, "oldest", time.Unix(int64(oldest), 0).UTC(), "retention", opts.Retention)
	// Rejects ride along, so that they still reach the dead letters.
	var rejects []Rejected
	for _, s := range sales[:keep] {
		rejects = append(rejects, s.Rejected...)
	}
	sales = sales[keep:]
	if len(sales) == 0 {
		return nil, fmt.Errorf("feed: replay %s: %w: every purchase is older than --retention %v", path, ErrNothingToReplay, opts.Retention)
	}
	sales[0].Rejected = append(rejects, sales[0].Rejected...)
	return sales, nil
}

// compressedTimes lays the sales on the re-timing's timeline (see Replay):
// the latest item of each sale, gaps cut to maxGap, then scaled to fit the
// retention at speed. A sale without items (rejects only) takes no time.
func compressedTimes(sales []Sale, speed float64, retention time.Duration) []float64 {
	at := make([]float64, len(sales))
	prev, c, begun := 0.0, 0.0, false
	for i, s := range sales {
		if len(s.Items) > 0 {
			last := latest(s)
			if begun {
				c += min(max(last-prev, 0), maxGap)
			}
			prev, begun = last, true
		}
		at[i] = c
	}
	if span := c * behind(speed); retention > 0 && span > 0.99*retention.Seconds() {
		f := 0.99 * retention.Seconds() / span
		for i := range at {
			at[i] *= f
		}
	}
	return at
}

// behind is how much of the span a re-timed replay at speed is dated
// before its start: all of it at 0, none at 1 or slower.
func behind(speed float64) float64 {
	if speed <= 0 {
		return 1
	}
	return max(0, 1-1/speed)
}

// latest is the time of a sale's last item.
func latest(s Sale) float64 {
	t := s.UTCDate
	for _, it := range s.Items {
		t = max(t, it.UTCDate)
	}
	return t
}

// Mode is "replay".
func (r *Replay) Mode() string { return "replay" }

// BadLines is how many lines of the file could not be decoded.
func (r *Replay) BadLines() int { return r.bad }

// Next returns the next sale in time order, then io.EOF; its Mark is where
// the replay stands once it is published. Unless KeepTimes, the sale and its
// items are re-timed (see Replay); item ids stay those of the recorded times.
func (r *Replay) Next(ctx context.Context) (Sale, error) {
	if err := ctx.Err(); err != nil {
		return Sale{}, err
	}
	if r.next >= len(r.sales) {
		return Sale{}, io.EOF
	}
	if !r.timed {
		r.timed = true
		if !r.keep {
			span := r.at[len(r.at)-1] - r.at[r.next]
			r.offset = unixSeconds(r.now()) - r.at[r.next] - behind(r.speed)*span
		}
	}
	i := r.next
	r.next++
	s := r.sales[i]
	mark := &Mark{Key: r.key, Value: strconv.Itoa(i+1) + " " + strconv.FormatFloat(s.UTCDate, 'g', -1, 64), TTL: r.ttl}
	if r.keep {
		s.Mark = mark
		return s, nil
	}
	// Items keep their place within the checkout, never after its date.
	date := r.at[i] + r.offset
	last := latest(s)
	s.Items = slices.Clone(s.Items)
	for j := range s.Items {
		s.Items[j].UTCDate = date - (last - s.Items[j].UTCDate)
	}
	s.UTCDate, s.Mark = date, mark
	return s, nil
}

// Key is the Redis key of this file's position: ReplayKeyPrefix and the
// SHA-256 of its content.
func (r *Replay) Key() string { return r.key }

// Resume moves the replay to just after the sale a stored Mark value names
// ("" starts from the beginning); the next sale is re-timed from now. A
// value from an older reading of the file (other rules, other sales) is
// matched by the recorded time instead.
func (r *Replay) Resume(value string) {
	r.next, r.timed = 0, false
	n, t, ok := strings.Cut(value, " ")
	if !ok {
		return
	}
	next, err1 := strconv.Atoi(n)
	recorded, err2 := strconv.ParseFloat(t, 64)
	if err1 != nil || err2 != nil || math.IsNaN(recorded) {
		return
	}
	if next > 0 && next <= len(r.sales) && r.sales[next-1].UTCDate == recorded {
		r.next = next
		return
	}
	r.next = sort.Search(len(r.sales), func(i int) bool { return r.sales[i].UTCDate > recorded })
}

// Left is how many sales the replay has not handed out yet.
func (r *Replay) Left() int { return len(r.sales) - r.next }

// unixSeconds is t as the feed writes times: float seconds since the epoch.
func unixSeconds(t time.Time) float64 {
	return float64(t.UnixNano()) / 1e9
}
