package httpapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/beatsbyredis/beats/internal/analytics"
	"github.com/beatsbyredis/beats/internal/purchases"
)

// Analytics is what the range routes need (*analytics.Service).
type Analytics interface {
	Clip(from, to *int64) analytics.Range
	Stats(ctx context.Context, r analytics.Range) (*analytics.Stats, error)
	Artists(ctx context.Context, r analytics.Range) (*analytics.Artists, error)
	WindowStats(ctx context.Context, d time.Duration) (*analytics.Stats, error)
	Biggest(ctx context.Context, st *analytics.Stats) (*purchases.Purchase, error)
	Trending(ctx context.Context, window string) (analytics.Trending, error)
	Export(ctx context.Context, w io.Writer, q analytics.ExportQuery) (int64, error)
}

// analyticsTimeout bounds a range request; past it the answer is a 503 and
// the computation goes on for whoever else waits for it.
const analyticsTimeout = 10 * time.Second

// GET /purchases/summary?from=&to=: the headline numbers of a range.
func (s *Server) purchaseSummary(w http.ResponseWriter, r *http.Request) error {
	ctx, cancel := context.WithTimeout(r.Context(), analyticsTimeout)
	defer cancel()
	rng, err := s.requestRange(r)
	if err != nil {
		return err
	}
	// The counters and the artists are two computations: read them at once.
	type artistsAnswer struct {
		a   *analytics.Artists
		err error
	}
	artistsc := make(chan artistsAnswer, 1)
	go func() {
		a, err := s.Analytics.Artists(ctx, rng)
		artistsc <- artistsAnswer{a, err}
	}()
	st, err := s.Analytics.Stats(ctx, rng)
	aa := <-artistsc
	if err != nil {
		return err
	}
	if aa.err != nil {
		return aa.err
	}
	artists := aa.a
	biggest, err := s.Analytics.Biggest(ctx, st)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, analytics.SummaryOf(st, artists, biggest))
}

// GET /purchases/breakdown?by=item_type|country|currency&from=&to=.
func (s *Server) purchaseBreakdown(w http.ResponseWriter, r *http.Request) error {
	by := r.URL.Query().Get("by")
	if _, ok := analytics.Breakdowns[by]; !ok {
		return BadRequest("by must be item_type, country or currency")
	}
	ctx, cancel := context.WithTimeout(r.Context(), analyticsTimeout)
	defer cancel()
	st, err := s.rangeStats(ctx, r)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, analytics.BreakdownOf(st, by))
}

// GET /purchases/trending?window=1h|6h|24h: the artists rising most.
func (s *Server) purchaseTrending(w http.ResponseWriter, r *http.Request) error {
	window := r.URL.Query().Get("window")
	if window == "" {
		window = "1h"
	}
	ctx, cancel := context.WithTimeout(r.Context(), analyticsTimeout)
	defer cancel()
	t, err := s.Analytics.Trending(ctx, window)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, t)
}

// GET /purchases/top-sellers[?from=&to=]: all time without a range (the
// contract), the range's own top five with one.
func (s *Server) topSellers(w http.ResponseWriter, r *http.Request) error {
	if !r.URL.Query().Has("from") && !r.URL.Query().Has("to") {
		chart, err := s.Purchases.TopSellers(r.Context(), 5)
		if err != nil {
			return err
		}
		return writeJSON(w, http.StatusOK, chart)
	}
	rng, err := s.requestRange(r)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(r.Context(), analyticsTimeout)
	defer cancel()
	artists, err := s.Analytics.Artists(ctx, rng)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, analytics.TopSellersOf(artists))
}

// byCountryWindows are the windows the map offers by name.
var byCountryWindows = map[string]time.Duration{
	"5m": 5 * time.Minute, "15m": 15 * time.Minute, "1h": time.Hour,
	"6h": 6 * time.Hour, "24h": 24 * time.Hour, "7d": 7 * 24 * time.Hour, "30d": 30 * 24 * time.Hour,
}

// GET /purchases/by-country[?window=1h | ?from=&to=]: purchases and USD per
// country, most purchases first. A window ends now: nothing dated later counts.
func (s *Server) purchasesByCountry(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	window := q.Get("window")
	ranged := q.Has("from") || q.Has("to")
	if window != "" && ranged {
		return BadRequest("give either window or from and to, not both")
	}
	ctx, cancel := context.WithTimeout(r.Context(), analyticsTimeout)
	defer cancel()
	var st *analytics.Stats
	var err error
	if ranged {
		st, err = s.rangeStats(ctx, r)
	} else {
		if window == "" {
			window = "1h"
		}
		span, ok := byCountryWindows[window]
		if !ok {
			return BadRequest("window must be one of 5m, 15m, 1h, 6h, 24h, 7d, 30d")
		}
		st, err = s.Analytics.WindowStats(ctx, span)
	}
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, analytics.CountriesOf(st, window))
}

// GET /purchases/export?from=&to=[&term=T][&format=ndjson]: every purchase
// of the range, oldest first, streamed as CSV (or NDJSON) as it is read.
func (s *Server) exportPurchases(w http.ResponseWriter, r *http.Request) error {
	rng, err := s.requestRange(r)
	if err != nil {
		return err
	}
	q := analytics.ExportQuery{Range: rng, Term: r.URL.Query().Get("term"), Format: r.URL.Query().Get("format")}
	contentType := map[string]string{
		"":                     "text/csv; charset=utf-8; header=present",
		analytics.FormatCSV:    "text/csv; charset=utf-8; header=present",
		analytics.FormatNDJSON: "application/x-ndjson; charset=utf-8",
	}[q.Format]
	if contentType == "" {
		return BadRequest("format must be csv or ndjson")
	}
	if q.Format == "" {
		q.Format = analytics.FormatCSV
	}
	if _, err := analytics.ExportFilter(q.Term); err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="purchases-%d-%d.%s"`, rng.From, rng.To, q.Format))
	h.Set("Cache-Control", "no-store")
	out := &streamWriter{w: w, rc: http.NewResponseController(w)}
	rows, err := s.Analytics.Export(r.Context(), out, q)
	switch {
	case err == nil:
		s.log.DebugContext(r.Context(), "export", "rows", rows, "bytes", out.n)
		return nil
	case errors.Is(err, analytics.ErrBusy):
		h.Del("Content-Disposition")
		return &Error{Status: http.StatusServiceUnavailable, Message: "too many exports at once, try again", RetryAfter: 5 * time.Second}
	case out.n == 0:
		h.Del("Content-Disposition")
		return err
	}
	// Part of the file is sent: only a broken connection tells the client
	// that it is incomplete.
	s.log.WarnContext(r.Context(), "export cut short", "rows", rows, "err", err)
	panic(http.ErrAbortHandler)
}

// streamWriter gives a long response a fresh write deadline with each
// write, so the server's WriteTimeout bounds a stalled client, not the
// length of an export.
type streamWriter struct {
	w  io.Writer
	rc *http.ResponseController
	n  int64
}

func (s *streamWriter) Write(p []byte) (int, error) {
	_ = s.rc.SetWriteDeadline(time.Now().Add(30 * time.Second))
	n, err := s.w.Write(p)
	s.n += int64(n)
	return n, err
}

// rangeStats reads the request's range and its figures.
func (s *Server) rangeStats(ctx context.Context, r *http.Request) (*analytics.Stats, error) {
	rng, err := s.requestRange(r)
	if err != nil {
		return nil, err
	}
	return s.Analytics.Stats(ctx, rng)
}

// requestRange reads from and to (epoch ms; from inclusive, to exclusive;
// either may be missing) and clips them to the retention.
func (s *Server) requestRange(r *http.Request) (analytics.Range, error) {
	if s.Analytics == nil {
		return analytics.Range{}, &Error{Status: http.StatusNotFound, Message: "not found"}
	}
	var bounds [2]*int64
	for i, name := range []string{"from", "to"} {
		raw := r.URL.Query().Get(name)
		if raw == "" {
			continue
		}
		n, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || n < 0 {
			return analytics.Range{}, BadRequest(name + " must be a whole number of milliseconds since 1970, 0 or more")
		}
		bounds[i] = &n
	}
	if bounds[0] != nil && bounds[1] != nil && *bounds[0] > *bounds[1] {
		return analytics.Range{}, BadRequest("from must not be after to")
	}
	return s.Analytics.Clip(bounds[0], bounds[1]), nil
}
