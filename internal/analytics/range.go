// Package analytics answers "what sold between from and to" (top sellers,
// headline numbers, breakdowns, the map, trending artists, exports) exactly
// and in bounded time, from the hourly and daily counters the save script
// keeps (see purchases/buckets.go) plus the documents of at most two
// partial hours.
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

// Plan is how a range is read: the counters of its whole UTC days and of
// the whole hours around them, and the documents of its partial hours.
type Plan struct {
	Days  []int64 // bucket starts (ms)
	Hours []int64
	Edges []Range // at most two, each within one hour
}

// Split plans r. Each instant of r falls in exactly one day, hour or edge,
// so nothing is counted twice and nothing is missed.
func Split(r Range) Plan {
	var p Plan
	if r.From >= r.To {
		return p
	}
	h0, h1 := ceil(r.From, purchases.HourMS), floor(r.To, purchases.HourMS)
	if h0 >= h1 { // no whole hour: the range is read from the documents
		p.Edges = append(p.Edges, r)
		return p
	}
	if r.From < h0 {
		p.Edges = append(p.Edges, Range{r.From, h0})
	}
	if h1 < r.To {
		p.Edges = append(p.Edges, Range{h1, r.To})
	}
	d0, d1 := ceil(h0, purchases.DayMS), floor(h1, purchases.DayMS)
	if d0 >= d1 {
		p.Hours = steps(h0, h1, purchases.HourMS)
		return p
	}
	p.Hours = append(steps(h0, d0, purchases.HourMS), steps(d1, h1, purchases.HourMS)...)
	p.Days = steps(d0, d1, purchases.DayMS)
	return p
}

// Buckets are the hash keys of the plan's days and hours.
func (p Plan) Buckets() []string {
	keys := make([]string, 0, len(p.Days)+len(p.Hours))
	for _, d := range p.Days {
		keys = append(keys, purchases.DayKey(d))
	}
	for _, h := range p.Hours {
		keys = append(keys, purchases.HourKey(h))
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

func steps(from, to, span int64) []int64 {
	var out []int64
	for t := from; t < to; t += span {
		out = append(out, t)
	}
	return out
}

// seconds writes a bound of a utc_date_raw range query: ms/1000 in the
// shortest form that parses back to the same double.
func seconds(ms int64) string {
	return strconv.FormatFloat(float64(ms)/1000, 'f', -1, 64)
}

// Contains reports whether a purchase dated t (utc_date_raw) is in r.
func (r Range) Contains(t float64) bool {
	return t >= float64(r.From)/1000 && t < float64(r.To)/1000
}
