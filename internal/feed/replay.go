package feed

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"
)

// ReplayOptions configures a replay. Zero values take the defaults.
type ReplayOptions struct {
	KeepTimes bool         // keep recorded times instead of moving them to now
	Logger    *slog.Logger // default slog.Default()
	Now       func() time.Time
}

// Replay plays a file of recorded answers (one JSON answer per line, either
// shape, optionally gzipped). It loads the whole file when opened: sorting
// sales across overlapping windows needs them all, and a day of recording
// decodes to a few tens of megabytes.
type Replay struct {
	sales  []Sale
	next   int
	bad    int
	keep   bool
	now    func() time.Time
	offset float64 // seconds added to recorded times
	timed  bool    // offset fixed
}

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
	sales, bad, err := readSales(f, path, opts.Logger)
	if err != nil {
		return nil, fmt.Errorf("feed: replay %s: %w", path, err)
	}
	if len(sales) == 0 {
		return nil, fmt.Errorf("feed: replay %s: no sales in the file (%d bad lines)", path, bad)
	}
	opts.Logger.Info("feed: replay loaded", "file", path, "sales", len(sales), "bad_lines", bad,
		"keep_times", opts.KeepTimes)
	return &Replay{sales: sales, bad: bad, keep: opts.KeepTimes, now: opts.Now}, nil
}

// Mode is "replay".
func (r *Replay) Mode() string { return "replay" }

// BadLines is how many lines of the file could not be decoded.
func (r *Replay) BadLines() int { return r.bad }

// Next returns the next sale in time order, then io.EOF. Unless KeepTimes,
// all times move by one offset fixed at the first call (now − the first
// sale's time), so the replay starts now and keeps the recorded gaps. Item
// ids stay those of the recorded times.
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
			r.offset = unixSeconds(r.now()) - r.sales[0].UTCDate
		}
	}
	s := r.sales[r.next]
	r.sales[r.next] = Sale{} // each sale is handed out once; let it go
	r.next++
	if r.offset != 0 {
		s.UTCDate += r.offset
		for i := range s.Items {
			s.Items[i].UTCDate += r.offset
		}
	}
	return s, nil
}

// unixSeconds is t as the feed writes times: float seconds since the epoch.
func unixSeconds(t time.Time) float64 {
	return float64(t.UnixNano()) / 1e9
}
