package purchases

import (
	"context"
	_ "embed"
	"fmt"
	"math"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/beatsbyredis/beats/internal/feed"
)

// saveScript stores one purchase and applies its counters atomically, once
// per purchase id: a retried or reclaimed stream entry finds the document
// and changes nothing. See save.lua for the steps.
//
//go:embed save.lua
var saveLua string

var saveScript = redis.NewScript(saveLua)

// Saver stores purchases with their counters, exactly once per id.
type Saver struct {
	rdb       redis.UniversalClient
	retention time.Duration
	now       func() time.Time
	matcher   Matcher // save.lua's watchlist block; nil matches nothing
}

// Matcher supplies the KEYS and ARGV of save.lua's watchlist block for one
// purchase, which the save appends after its own (*watchlist.Matcher).
type Matcher interface {
	SaveArgs(p Purchase, searchText string) (keys []string, args []any)
}

// noMatch are the block's ARGV when no Matcher is set: no lookup keys, so
// the block does nothing.
var noMatch = []any{0, "", "", 0, 0, 0, 0}

// WithMatcher makes s match each new purchase against the users' watched
// terms, in the same atomic step that stores it.
func (s *Saver) WithMatcher(m Matcher) *Saver {
	s.matcher = m
	return s
}

// NewSaver returns a Saver whose documents and series keep retention.
func NewSaver(rdb redis.UniversalClient, retention time.Duration) *Saver {
	return &Saver{rdb: rdb, retention: retention, now: time.Now}
}

// WithClock returns a Saver like s that reads the time from now: the rules
// (feed/validate.go) refuse a purchase dated ahead of the clock. Tests use it
// to make the app's clock disagree with Redis's.
func (s *Saver) WithClock(now func() time.Time) *Saver {
	c := *s
	c.now = now
	return &c
}

// Queue adds the save of p to a pipeline; the command's result is 1 when p
// was new and 0 when it was stored before.
func (s *Saver) Queue(ctx context.Context, pipe redis.Pipeliner, p Purchase) (*redis.Cmd, error) {
	return s.QueueFromStream(ctx, pipe, p, "", "")
}

// QueueFromStream is Queue for a purchase read from the purchases stream by
// a consumer group: the same atomic step acknowledges the entry.
func (s *Saver) QueueFromStream(ctx context.Context, pipe redis.Pipeliner, p Purchase, group, entryID string) (*redis.Cmd, error) {
	keys, args, err := s.scriptArgs(p, group, entryID)
	if err != nil {
		return nil, err
	}
	return saveScript.EvalSha(ctx, pipe, keys, args...), nil
}

// scriptArgs are save.lua's KEYS and ARGV for p, once p meets the rules of
// feed/validate.go (then save.lua cannot fail half-way; it checks again).
func (s *Saver) scriptArgs(p Purchase, group, entryID string) ([]string, []any, error) {
	now := s.now()
	err := feed.Values{
		UTCDate: p.UTCDateRaw, AmountPaid: p.AmountPaid, ItemPrice: p.ItemPrice, AmountUSD: p.AmountPaidUSD,
		URL: p.URL, ArtistName: p.ArtistName,
	}.Check(now)
	// A purchase older than the retention would be found by search and
	// counted in top sellers, but be missing from the history and the map:
	// it is not stored at all. (Its first minute must be inside, since the
	// series take a purchase at the start of its minute.)
	if oldest := now.Add(-s.retention + time.Minute); err == nil && p.UTCDateRaw < float64(oldest.UnixMilli())/1000 {
		err = fmt.Errorf("%w: utc_date %.3f is older than the retention (%v)", feed.ErrInvalid, p.UTCDateRaw, s.retention)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("purchases: save %s: %w", p.ID, err)
	}
	text := p.SearchText()
	doc, err := encodeDocument(p, text)
	if err != nil {
		return nil, nil, fmt.Errorf("purchases: encode %s: %w", p.ID, err)
	}
	// One sample per feed window: the feed answers in minutes, so the minute
	// a purchase falls in is its window, whichever answer delivered it.
	window := int64(math.Floor(p.UTCDateRaw/60)) * 60_000
	retentionMS := s.retention.Milliseconds()
	// A series refuses samples older than its retention, and one sample far
	// in the future would make it refuse every present one after it.
	inSeries := 0
	if window >= now.Add(-s.retention).UnixMilli() && window <= now.Add(maxFuture).UnixMilli() {
		inSeries = 1
	}
	keys := []string{Key(p.ID), TopSellers, SalesSeries, RevenueSeries, LiveStream, Stream}
	args := []any{doc, int64(s.retention.Seconds()), p.ArtistName, round2(p.AmountPaidUSD), window, retentionMS, inSeries, liveStreamSize, group, entryID, p.ID,
		int64(math.Round(p.UTCDateRaw * 1000))}
	bucketKeys, bucketArgs, err := s.bucketArgs(p)
	if err != nil {
		return nil, nil, fmt.Errorf("purchases: %s: %w", p.ID, err)
	}
	keys, args = append(keys, bucketKeys...), append(args, bucketArgs...)
	// The watchlist block's KEYS and ARGV come last (see save.lua).
	if s.matcher != nil {
		mk, ma := s.matcher.SaveArgs(p, text)
		keys, args = append(keys, mk...), append(args, ma...)
	} else {
		args = append(args, noMatch...)
	}
	return keys, args, nil
}

// maxFuture is how far ahead of the clock a purchase may be and still go
// into the series (the feed's clocks and ours differ a little).
const maxFuture = time.Hour

// Save stores one purchase; it reports whether p was new. Pipelines of
// many purchases use Queue instead. (Run sends EVALSHA and falls back to
// EVAL when Redis does not have the script yet.)
func (s *Saver) Save(ctx context.Context, p Purchase) (bool, error) {
	keys, args, err := s.scriptArgs(p, "", "")
	if err != nil {
		return false, err
	}
	n, err := saveScript.Run(ctx, s.rdb, keys, args...).Int()
	if err != nil {
		return false, fmt.Errorf("purchases: save %s: %w", p.ID, err)
	}
	return n == 1, nil
}

// LoadScript makes sure Redis has the save script, so pipelines can EVALSHA it.
func LoadScript(ctx context.Context, rdb redis.UniversalClient) error {
	if err := saveScript.Load(ctx, rdb).Err(); err != nil {
		return fmt.Errorf("purchases: load save script: %w", err)
	}
	return nil
}

// round2 rounds to cents, so float noise never reaches the counters.
func round2(f float64) float64 { return math.Round(f*100) / 100 }
