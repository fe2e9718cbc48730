package analytics

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/beatsbyredis/beats/internal/purchases"
)

// ErrBusy means the instance runs as many exports as it allows.
var ErrBusy = errors.New("analytics: busy")

// Options tune a Service; zero values take the defaults.
type Options struct {
	Retention time.Duration    // ranges are clipped to it (config --retention; 30 days)
	Now       func() time.Time // the clock (tests set it)
	// CacheFor is how long an answer is shared: every request for the same
	// range, or the same window, within it gets the same answer (1 s).
	CacheFor time.Duration
	// Timeout bounds one computation (10 s); its callers get a 503 past it.
	Timeout time.Duration
	// Computations is how many run at once on this instance, ranges and
	// trending together (2).
	Computations int
	// Exports is how many exports stream at once on this instance (2).
	Exports int
}

// Service answers the range endpoints.
type Service struct {
	rdb       redis.UniversalClient
	reader    *purchases.Reader
	retention time.Duration
	now       func() time.Time
	stats     *shared[*Stats]
	artists   *shared[*Artists]
	trending  *shared[Trending]
	exports   chan struct{}
}

// New returns a Service over rdb.
func New(rdb redis.UniversalClient, opt Options) *Service {
	if opt.Retention <= 0 {
		opt.Retention = 30 * 24 * time.Hour
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.CacheFor <= 0 {
		opt.CacheFor = time.Second
	}
	if opt.Timeout <= 0 {
		opt.Timeout = 10 * time.Second
	}
	if opt.Computations <= 0 {
		opt.Computations = 2
	}
	if opt.Exports <= 0 {
		opt.Exports = 2
	}
	slots := make(chan struct{}, opt.Computations)
	return &Service{
		rdb: rdb, reader: purchases.NewReader(rdb), retention: opt.Retention, now: opt.Now,
		stats:   newShared[*Stats](opt.CacheFor, opt.Timeout, slots, opt.Now),
		artists: newShared[*Artists](opt.CacheFor, opt.Timeout, slots, opt.Now),
		// Trending moves slowly and reads more: its answer is kept longer.
		trending: newShared[Trending](10*opt.CacheFor, opt.Timeout, slots, opt.Now),
		exports:  make(chan struct{}, opt.Exports),
	}
}

// Clip bounds a requested range (nil for a missing bound) to the retention
// up to now.
func (s *Service) Clip(from, to *int64) Range { return Clip(from, to, s.now(), s.retention) }

// Stats are the counted figures of r, computed once for everyone asking
// for the same range within CacheFor.
func (s *Service) Stats(ctx context.Context, r Range) (*Stats, error) {
	return s.stats.get(ctx, rangeKey(r), func(ctx context.Context) (*Stats, error) { return readStats(ctx, s.rdb, r) })
}

// Artists are the artists of r (how many, the top five), computed once
// for everyone asking for the same range within CacheFor.
func (s *Service) Artists(ctx context.Context, r Range) (*Artists, error) {
	return s.artists.get(ctx, rangeKey(r), func(ctx context.Context) (*Artists, error) { return readArtists(ctx, s.rdb, r) })
}

func rangeKey(r Range) string {
	return strconv.FormatInt(r.From, 10) + " " + strconv.FormatInt(r.To, 10)
}

// WindowStats are the figures of the last d up to now; the window is
// fixed when the computation starts, so no purchase dated after then counts.
func (s *Service) WindowStats(ctx context.Context, d time.Duration) (*Stats, error) {
	return s.stats.get(ctx, "last "+d.String(), func(ctx context.Context) (*Stats, error) {
		return readStats(ctx, s.rdb, Window(min(d, s.retention), s.now()))
	})
}

// Biggest reads the biggest purchase of st's range, or nil when there is
// none (or it expired since).
func (s *Service) Biggest(ctx context.Context, st *Stats) (*purchases.Purchase, error) {
	if st.BiggestID == "" {
		return nil, nil
	}
	p, err := s.reader.Get(ctx, st.BiggestID)
	if errors.Is(err, purchases.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// Trending ranks the artists rising in the last window (a TrendWindows key).
func (s *Service) Trending(ctx context.Context, window string) (Trending, error) {
	if _, ok := TrendWindows[window]; !ok {
		return Trending{}, fmt.Errorf("%w: window must be 1h, 6h or 24h", purchases.ErrBadQuery)
	}
	return s.trending.get(ctx, "trending "+window, func(ctx context.Context) (Trending, error) {
		return readTrending(ctx, s.rdb, window, s.now(), s.retention)
	})
}

// Export writes every purchase of q to w as it reads them (see
// writeExport); it returns the rows written. Past Options.Exports at once
// it fails at once with ErrBusy.
func (s *Service) Export(ctx context.Context, w io.Writer, q ExportQuery) (int64, error) {
	select {
	case s.exports <- struct{}{}:
		defer func() { <-s.exports }()
	default:
		return 0, ErrBusy
	}
	return writeExport(ctx, s.rdb, w, q)
}

// Uncounted is how many purchase documents exist while no range counter
// does: purchases stored by a version without them, which ranges leave out
// until they expire. It is 0 once this version has stored a purchase (the
// country names are written with every purchase and kept a retention).
func Uncounted(ctx context.Context, rdb redis.UniversalClient) (int64, error) {
	n, err := rdb.Exists(ctx, purchases.CountryNames).Result()
	if err != nil || n > 0 {
		return 0, err
	}
	res, err := rdb.Do(ctx, "FT.SEARCH", purchases.IndexAlias, "*", "LIMIT", 0, 0).Slice()
	if err != nil {
		return 0, fmt.Errorf("analytics: count documents: %w", err)
	}
	if len(res) == 0 {
		return 0, nil
	}
	count, _ := res[0].(int64)
	return count, nil
}
