package analytics

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/beatsbyredis/beats/internal/purchases"
)

// TestSplitCoversTheRangeOnce checks, for ranges of every shape, that each
// millisecond of the range falls in exactly one bucket or edge, that
// buckets are whole, that the documents read (the edges) span less than
// twenty minutes in all, and that 30 days take at most 85 buckets.
func TestSplitCoversTheRangeOnce(t *testing.T) {
	base := time.Date(2020, 9, 9, 0, 0, 0, 0, time.UTC).UnixMilli()
	m, h, d := purchases.TenMinutesMS, purchases.HourMS, purchases.DayMS
	spans := map[string]int64{}
	for _, l := range purchases.Levels {
		spans[l.Name] = l.SpanMS
	}
	ranges := []Range{
		{base, base},                                // empty
		{base + 5, base + 5 + 1},                    // one millisecond
		{base, base + m},                            // one whole ten minutes
		{base, base + h},                            // one whole hour
		{base + 1, base + m - 1},                    // inside ten minutes
		{base + m - 1, base + m + 1},                // across a boundary, no whole bucket
		{base + 1, base + h - 1},                    // ten minutes, edges
		{base, base + d},                            // one whole day
		{base - 1, base + d + 1},                    // a day and two edges
		{base + 22*h + 123, base + 2*d + 3*h + 456}, // every level, and edges
		{base + 30*60_000 + 7, base + 30*d - 1},     // thirty days
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 300 {
		from := base + rng.Int64N(40*d)
		ranges = append(ranges, Range{from, from + rng.Int64N(10*d)})
	}
	for _, r := range ranges {
		p := Split(r)
		var parts []Range
		for _, key := range p.Buckets {
			f := strings.Split(key, ":")
			start, err := strconv.ParseInt(f[2], 10, 64)
			span := spans[f[1]]
			if len(f) != 3 || f[0] != "stats" || err != nil || span == 0 || start%span != 0 {
				t.Fatalf("%v: bucket %q is not a level's bucket", r, key)
			}
			parts = append(parts, Range{start, start + span})
		}
		var edges int64
		for _, e := range p.Edges {
			if e.From >= e.To {
				t.Fatalf("%v: edge %v is empty", r, e)
			}
			edges += e.To - e.From
			parts = append(parts, e)
		}
		if edges >= 2*m || len(p.Edges) > 2 {
			t.Fatalf("%v: edges %v span %d ms", r, p.Edges, edges)
		}
		if r.To-r.From <= 30*d && len(p.Buckets) > 85 {
			t.Fatalf("%v: %d buckets", r, len(p.Buckets))
		}
		var covered int64
		for i, a := range parts {
			if a.From < r.From || a.To > r.To {
				t.Fatalf("%v: part %v sticks out", r, a)
			}
			covered += a.To - a.From
			for _, b := range parts[i+1:] {
				if a.From < b.To && b.From < a.To {
					t.Fatalf("%v: parts %v and %v overlap", r, a, b)
				}
			}
		}
		if covered != max(r.To-r.From, 0) {
			t.Fatalf("%v: parts cover %d ms of %d", r, covered, r.To-r.From)
		}
	}
}

func TestClip(t *testing.T) {
	now := time.UnixMilli(1_000_000_000_000)
	ret := time.Hour
	lo, hi := now.Add(-ret).UnixMilli(), now.UnixMilli()
	p := func(v int64) *int64 { return &v }
	cases := []struct {
		name     string
		from, to *int64
		want     Range
	}{
		{"missing: the whole retention", nil, nil, Range{lo, hi}},
		{"inside", p(lo + 10), p(hi - 10), Range{lo + 10, hi - 10}},
		{"from before the retention", p(0), p(hi - 10), Range{lo, hi - 10}},
		{"to in the future", p(lo + 10), p(hi + 1e9), Range{lo + 10, hi}},
		{"all before the retention", p(0), p(lo - 5), Range{lo, lo}},
		{"all in the future", p(hi + 5), p(hi + 10), Range{hi, hi}},
		{"only from", p(hi - 10), nil, Range{hi - 10, hi}},
		{"only to", nil, p(lo + 10), Range{lo, lo + 10}},
	}
	for _, c := range cases {
		if got := Clip(c.from, c.to, now, ret); got != c.want {
			t.Errorf("%s: Clip = %v, want %v", c.name, got, c.want)
		}
	}
}

// TestBucketStartAgreesWithRangeQueries: a purchase's bucket must be the one
// whose [start/1000, end/1000) holds its utc_date_raw as a double, as the
// edge queries compare, also for times a hair on either side of a boundary.
func TestBucketStartAgreesWithRangeQueries(t *testing.T) {
	boundary := float64(time.Date(2020, 9, 9, 22, 0, 0, 0, time.UTC).Unix())
	rng := rand.New(rand.NewPCG(3, 4))
	times := []float64{boundary, boundary - 1e-6, boundary + 1e-6, boundary - 2.4e-7, 1599688803.5175}
	for range 10_000 {
		times = append(times, boundary+(rng.Float64()-0.5)*2*86400*3)
	}
	for _, tm := range times {
		for _, l := range purchases.Levels {
			span := l.SpanMS
			start := purchases.BucketStart(tm, span)
			if !(Range{start, start + span}).Contains(tm) || start%span != 0 {
				t.Fatalf("BucketStart(%v, %d) = %d, which does not hold it", tm, span, start)
			}
		}
	}
}
