// Package analytics answers "what sold between from and to" (top sellers,
// headline numbers, breakdowns, the map, trending artists, exports) exactly
// and in bounded time, from the daily, hourly and ten-minute counters the
// save script keeps (see purchases/buckets.go) plus the documents of the
// partial ten minutes at a range's ends.
package analytics

import (
	"strconv"
	"time"

	"github.com/beatsbyredis/beats/internal/purchases"
)

// Range is a span of purchase times in epoch milliseconds, From inclusive
// and To exclusive. A purchase is in it when From/1000 <= utc_date_raw <
// To/1000, compared as the search index compares them (doubles).
type Range struct {
	From int64 `json:"from"`
	To   int64 `json:"to"`
}

// Clip bounds a requested range to what the app keeps: the retention up to
// now. A nil bound is the retention's start or now. The result may be
// empty (From == To) when the request lies outside.
func Clip(from, to *int64, now time.Time, retention time.Duration) Range {
	lo, hi := now.Add(-retention).UnixMilli(), now.UnixMilli()
	r := Range{From: lo, To: hi}
	if from != nil {
		r.From = min(max(*from, lo), hi)
	}
	if to != nil {
		r.To = *to
	}
	r.To = min(max(r.To, r.From), hi)
	return r
}

// Window is the range of the last d up to now.
func Window(d time.Duration, now time.Time) Range {
	return Range{From: now.Add(-d).UnixMilli(), To: now.UnixMilli()}
}

// Plan is how a range is read: the counters of its whole buckets (its
// whole days, the whole hours around them, the whole ten minutes around
// those) and the documents of its partial ten minutes at either end.
type Plan struct {
	Buckets []string // the buckets' hash keys, largest first
	Edges   []Range  // at most two, less than twenty minutes in all
}

// Split plans r. Each instant of r falls in exactly one bucket or edge, so
// nothing is counted twice and nothing is missed.
func Split(r Range) Plan {
	var p Plan
	if r.From >= r.To {
		return p
	}
	finest := purchases.Levels[len(purchases.Levels)-1].SpanMS
	f0, f1 := ceil(r.From, finest), floor(r.To, finest)
	if f0 >= f1 { // no whole bucket: the range is read from the documents
		p.Edges = append(p.Edges, r)
		return p
	}
	if r.From < f0 {
		p.Edges = append(p.Edges, Range{r.From, f0})
	}
	if f1 < r.To {
		p.Edges = append(p.Edges, Range{f1, r.To})
	}
	p.Buckets = cover(f0, f1, 0, nil)
	return p
}

// cover appends the buckets of [from, to), both on the finest level's
// boundaries: the whole buckets of level i in the middle, and the sides
// covered by the smaller levels.
func cover(from, to int64, i int, keys []string) []string {
	l := purchases.Levels[i]
	if i == len(purchases.Levels)-1 {
		return appendBuckets(keys, l, from, to)
	}
	c0, c1 := ceil(from, l.SpanMS), floor(to, l.SpanMS)
	if c0 >= c1 {
		return cover(from, to, i+1, keys)
	}
	keys = appendBuckets(keys, l, c0, c1)
	keys = cover(from, c0, i+1, keys)
	return cover(c1, to, i+1, keys)
}

func appendBuckets(keys []string, l purchases.Level, from, to int64) []string {
	for t := from; t < to; t += l.SpanMS {
		keys = append(keys, purchases.BucketKey(l.Name, t))
	}
	return keys
}

func floor(ms, span int64) int64 {
	q := ms / span
	if ms%span < 0 {
		q--
	}
	return q * span
}

func ceil(ms, span int64) int64 { return -floor(-ms, span) }

// seconds writes a bound of a utc_date_raw range query: ms/1000 in the
// shortest form that parses back to the same double.
func seconds(ms int64) string {
	return strconv.FormatFloat(float64(ms)/1000, 'f', -1, 64)
}

// Contains reports whether a purchase dated t (utc_date_raw) is in r.
func (r Range) Contains(t float64) bool {
	return t >= float64(r.From)/1000 && t < float64(r.To)/1000
}
