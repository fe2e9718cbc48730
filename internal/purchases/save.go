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

// Matcher gives save.lua's watchlist block its KEYS and ARGV for each of
// a batch of purchases, which the save appends after its own
// (*watchlist.Matcher). It may read Redis first, once for the batch;
// texts[i] is ps[i].SearchText().
type Matcher interface {
	SaveArgs(ctx context.Context, ps []Purchase, texts []string) ([]BlockArgs, error)
}

// BlockArgs are the KEYS and ARGV of one block of save.lua.
type BlockArgs struct {
	Keys []string
	Args []any
}

// noMatch is the watchlist block's ARGV when no Matcher is set: no term
// matched, so the block writes nothing.
var noMatch = BlockArgs{Args: []any{0, "", 0, 0, 0}}

// WithMatcher returns a Saver like s that matches each new purchase
// against the users' watched terms: the matches are written in the same
// atomic step that stores it.
func (s *Saver) WithMatcher(m Matcher) *Saver {
	c := *s
	c.matcher = m
	return &c
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
// was new and 0 when it was stored before. Batches use QueueBatch (the
// matcher reads Redis once for each call).
func (s *Saver) Queue(ctx context.Context, pipe redis.Pipeliner, p Purchase) (*redis.Cmd, error) {
	cmds, errs, err := s.QueueBatch(ctx, pipe, []Purchase{p}, "", nil)
	if err != nil {
		return nil, err
	}
	return cmds[0], errs[0]
}

// QueueBatch adds the saves of ps to a pipeline. When entryIDs is not nil,
// entryIDs[i] is the entry of the purchases stream that carried ps[i],
// which the same atomic step acknowledges for the consumer group. The
// matcher, when set, first reads what it needs for all of them, in one
// round trip of its own. cmds[i] is the save of ps[i], or nil where errs[i]
// says why ps[i] was refused; err, a failed read, leaves pipe untouched.
func (s *Saver) QueueBatch(ctx context.Context, pipe redis.Pipeliner, ps []Purchase, group string, entryIDs []string) (cmds []*redis.Cmd, errs []error, err error) {
	cmds, errs = make([]*redis.Cmd, len(ps)), make([]error, len(ps))
	var saves []save
	var valid []int // of ps
	for i, p := range ps {
		entryID := ""
		if entryIDs != nil {
			entryID = entryIDs[i]
		}
		sv, err := s.scriptArgs(p, group, entryID)
		if err != nil {
			errs[i] = err
			continue
		}
		saves, valid = append(saves, sv), append(valid, i)
	}
	if err := s.addWatchlistArgs(ctx, saves); err != nil {
		return nil, nil, err
	}
	for j, sv := range saves {
		cmds[valid[j]] = saveScript.EvalSha(ctx, pipe, sv.keys, sv.args...)
	}
	return cmds, errs, nil
}

// save is one purchase's save: save.lua's KEYS and ARGV.
type save struct {
	p    Purchase
	text string // p.SearchText()
	keys []string
	args []any
}

// addWatchlistArgs appends the watchlist block's KEYS and ARGV, which come
// last (see save.lua), to each save.
func (s *Saver) addWatchlistArgs(ctx context.Context, saves []save) error {
	if len(saves) == 0 {
		return nil
	}
	blocks := make([]BlockArgs, len(saves))
	if s.matcher != nil {
		ps, texts := make([]Purchase, len(saves)), make([]string, len(saves))
		for i, sv := range saves {
			ps[i], texts[i] = sv.p, sv.text
		}
		var err error
		if blocks, err = s.matcher.SaveArgs(ctx, ps, texts); err != nil {
			return fmt.Errorf("purchases: match %d purchases: %w", len(ps), err)
		}
		if len(blocks) != len(saves) {
			return fmt.Errorf("purchases: the matcher answered for %d purchases of %d", len(blocks), len(saves))
		}
	} else {
		for i := range blocks {
			blocks[i] = noMatch
		}
	}
	for i := range saves {
		saves[i].keys = append(saves[i].keys, blocks[i].Keys...)
		saves[i].args = append(saves[i].args, blocks[i].Args...)
	}
	return nil
}

// scriptArgs is the save of p, but for the watchlist block's KEYS and ARGV
// (addWatchlistArgs), once p meets the rules of feed/validate.go (then
// save.lua cannot fail half-way; it checks again).
func (s *Saver) scriptArgs(p Purchase, group, entryID string) (save, error) {
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
		return save{}, fmt.Errorf("purchases: save %s: %w", p.ID, err)
	}
	text := p.SearchText()
	doc, err := encodeDocument(p, text)
	if err != nil {
		return save{}, fmt.Errorf("purchases: encode %s: %w", p.ID, err)
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
		return save{}, fmt.Errorf("purchases: %s: %w", p.ID, err)
	}
	return save{p: p, text: text, keys: append(keys, bucketKeys...), args: append(args, bucketArgs...)}, nil
}

// maxFuture is how far ahead of the clock a purchase may be and still go
// into the series (the feed's clocks and ours differ a little).
const maxFuture = time.Hour

// Save stores one purchase; it reports whether p was new. Pipelines of
// many purchases use QueueBatch instead. (Run sends EVALSHA and falls back to
// EVAL when Redis does not have the script yet.)
func (s *Saver) Save(ctx context.Context, p Purchase) (bool, error) {
	sv, err := s.scriptArgs(p, "", "")
	if err != nil {
		return false, err
	}
	saves := []save{sv}
	if err := s.addWatchlistArgs(ctx, saves); err != nil {
		return false, err
	}
	n, err := saveScript.Run(ctx, s.rdb, saves[0].keys, saves[0].args...).Int()
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
