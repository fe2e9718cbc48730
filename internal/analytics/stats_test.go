package analytics_test

import (
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/beatsbyredis/beats/internal/analytics"
	"github.com/beatsbyredis/beats/internal/purchases"
)

// TestStatsEqualAnIndependentCount stores four days of synthetic purchases
// and checks the figures of many ranges (whole days, whole hours, ranges
// cutting through minutes and seconds, empty ones) against a count made
// straight from the purchases: totals to the cent, every breakdown row, the
// top five and the biggest purchase exactly, the distinct artists within
// the HyperLogLog's error.
func TestStatsEqualAnIndependentCount(t *testing.T) {
	rdb := setup(t)
	start := time.Date(2026, 3, 1, 21, 17, 3, 0, time.UTC)
	ps := synthetic(start, 4*24*time.Hour, 60, 1)
	store(t, rdb, ps)
	now := start.Add(5 * 24 * time.Hour)
	svc := analytics.New(rdb, analytics.Options{Retention: retention, Now: func() time.Time { return now }})

	day := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	ranges := map[string]analytics.Range{
		"everything":                {From: start.UnixMilli(), To: now.UnixMilli()},
		"one whole day":             {From: day.UnixMilli(), To: day.Add(24 * time.Hour).UnixMilli()},
		"two whole hours":           {From: day.Add(5 * time.Hour).UnixMilli(), To: day.Add(7 * time.Hour).UnixMilli()},
		"inside one hour":           {From: day.Add(5*time.Hour + 7*time.Minute + 30*time.Second).UnixMilli(), To: day.Add(5*time.Hour + 48*time.Minute + 1).UnixMilli()},
		"across an hour, no whole":  {From: day.Add(5*time.Hour + 30*time.Minute).UnixMilli(), To: day.Add(6*time.Hour + 30*time.Minute).UnixMilli()},
		"days, hours and edges":     {From: day.Add(-90*time.Minute - 17*time.Second).UnixMilli(), To: day.Add(50*time.Hour + 59*time.Minute + 999*time.Millisecond).UnixMilli()},
		"empty":                     {From: day.UnixMilli(), To: day.UnixMilli()},
		"before any purchase":       {From: start.Add(-3 * time.Hour).UnixMilli(), To: start.Add(-time.Hour).UnixMilli()},
		"cut at a purchase's micro": {From: int64(ps[100].UTCDateRaw * 1000), To: int64(ps[2000].UTCDateRaw*1000) + 1},
	}
	rng := rand.New(rand.NewPCG(5, 6))
	for i := range 12 {
		from := start.Add(time.Duration(rng.Int64N(int64(4 * 24 * time.Hour))))
		ranges["random "+string(rune('a'+i))] = analytics.Range{From: from.UnixMilli(), To: from.Add(time.Duration(rng.Int64N(int64(48 * time.Hour)))).UnixMilli()}
	}
	for name, r := range ranges {
		t.Run(name, func(t *testing.T) {
			st, err := svc.Stats(t.Context(), r)
			if err != nil {
				t.Fatal(err)
			}
			want := count(ps, r)
			if st.Total != want.total {
				t.Errorf("total = %+v, want %+v", st.Total, want.total)
			}
			for dim, values := range want.dims {
				got := maps.Clone(st.Dims[dim])
				maps.DeleteFunc(got, func(_ string, v analytics.Tally) bool { return v == analytics.Tally{} })
				if !maps.Equal(got, values) {
					t.Errorf("%s: %v, want %v", dim, got, values)
				}
			}
			a, err := svc.Artists(t.Context(), r)
			if err != nil {
				t.Fatal(err)
			}
			if !closeEnough(a.Distinct, len(want.artists)) {
				t.Errorf("distinct artists ≈ %d, want %d within the HyperLogLog's error", a.Distinct, len(want.artists))
			}
			if !slices.Equal(a.Top, want.top(analytics.TopArtists)) {
				t.Errorf("top = %v, want %v", a.Top, want.top(analytics.TopArtists))
			}
			if st.BiggestID != want.biggest.ID {
				t.Errorf("biggest = %s (%d cents), want %s (%.2f USD)", st.BiggestID, st.BiggestCents, want.biggest.ID, want.biggest.AmountPaidUSD)
			}
		})
	}
}

// TestNothingCountedTwiceOnRetry saves the same purchases again: the
// counters must not move.
func TestNothingCountedTwiceOnRetry(t *testing.T) {
	rdb := setup(t)
	start := time.Date(2026, 3, 1, 21, 17, 3, 0, time.UTC)
	ps := synthetic(start, 3*time.Hour, 200, 2)
	store(t, rdb, ps)
	store(t, rdb, ps[:len(ps)/2])
	now := start.Add(4 * time.Hour)
	svc := analytics.New(rdb, analytics.Options{Retention: retention, Now: func() time.Time { return now }})
	r := analytics.Range{From: start.Add(-time.Hour).UnixMilli(), To: now.UnixMilli()}
	st, err := svc.Stats(t.Context(), r)
	if err != nil {
		t.Fatal(err)
	}
	if want := count(ps, r).total; st.Total != want {
		t.Fatalf("total = %+v after saving half again, want %+v", st.Total, want)
	}
}

// TestCountersExpireWithTheRetention: every key the counters add has a TTL
// of the retention plus its bucket's span at most.
func TestCountersExpireWithTheRetention(t *testing.T) {
	rdb := setup(t)
	storeFor(t, rdb, synthetic(time.Now().Add(-2*time.Hour), time.Hour, 100, 3), retention)
	keys, err := rdb.Keys(t.Context(), "stats:*").Result()
	if err != nil || len(keys) < 5 {
		t.Fatalf("counter keys %v, %v", keys, err)
	}
	for _, k := range keys {
		ttl := rdb.TTL(t.Context(), k).Val()
		if ttl <= 0 || ttl > retention+24*time.Hour {
			t.Errorf("%s: TTL %v, want within the retention plus a day", k, ttl)
		}
	}
	if !slices.Contains(keys, purchases.CountryNames) {
		t.Errorf("no %s among %v", purchases.CountryNames, keys)
	}
}

// TestBoundsAndTies: from is inclusive and to exclusive to the microsecond,
// whether the bound falls in a partial hour or on an hour; equal amounts
// make the smaller id the biggest purchase whatever the order of saving.
func TestBoundsAndTies(t *testing.T) {
	rdb := setup(t)
	hour := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	at := func(d time.Duration, artist string, usd float64) purchases.Purchase {
		p := synthetic(hour, time.Minute, 3600, 4)[0]
		p.UTCDateRaw = float64(hour.Add(d).UnixMicro()) / 1e6
		p.ArtistName, p.AmountPaidUSD = artist, usd
		p.ID = fmt.Sprintf("%d-%s", hour.Add(d).UnixMicro(), artist)
		return p
	}
	ps := []purchases.Purchase{
		at(30*time.Minute+250*time.Millisecond, "b", 10), // saved first, the larger id
		at(20*time.Minute, "a", 10),
		at(time.Hour, "c", 1),                  // the next hour's first instant
		at(time.Hour-time.Microsecond, "d", 2), // this hour's last
		at(90*time.Minute, "e", 3),
	}
	store(t, rdb, ps)
	now := hour.Add(3 * time.Hour)
	svc := analytics.New(rdb, analytics.Options{Retention: retention, Now: func() time.Time { return now }})
	ms := func(d time.Duration) int64 { return hour.Add(d).UnixMilli() }
	for _, c := range []struct {
		name    string
		r       analytics.Range
		want    int64
		biggest string
	}{
		{"whole hour: b and a tie, a is the smaller id", analytics.Range{From: ms(0), To: ms(time.Hour)}, 3, ps[1].ID},
		{"from inclusive in a partial hour", analytics.Range{From: ms(30*time.Minute + 250*time.Millisecond), To: ms(40 * time.Minute)}, 1, ps[0].ID},
		{"to exclusive in a partial hour", analytics.Range{From: ms(10 * time.Minute), To: ms(30*time.Minute + 250*time.Millisecond)}, 1, ps[1].ID},
		{"to exclusive on the hour", analytics.Range{From: ms(45 * time.Minute), To: ms(time.Hour)}, 1, ps[3].ID},
		{"from inclusive on the hour", analytics.Range{From: ms(time.Hour), To: ms(3 * time.Hour)}, 2, ps[4].ID},
	} {
		st, err := svc.Stats(t.Context(), c.r)
		if err != nil {
			t.Fatal(err)
		}
		if st.Total.Purchases != c.want || st.BiggestID != c.biggest {
			t.Errorf("%s: %d purchases, biggest %s; want %d, %s", c.name, st.Total.Purchases, st.BiggestID, c.want, c.biggest)
		}
	}
}

// closeEnough: a HyperLogLog's estimate, within 2 % (its standard error is
// 0.81 %) or one.
func closeEnough(estimate int64, exact int) bool {
	d := math.Abs(float64(estimate) - float64(exact))
	return d <= 1 || d <= 0.02*float64(exact)
}

// TestTopArtistsAmongMany checks the top five where the threshold
// algorithm stops early (thousands of artists, sales concentrated on a
// few, as in the real feed) and where it cannot (a hundred artists with
// equal sums, the smaller names first), against the independent count.
func TestTopArtistsAmongMany(t *testing.T) {
	rdb := setup(t)
	start := time.Date(2026, 3, 1, 21, 17, 3, 0, time.UTC)
	ps := synthetic(start, 3*24*time.Hour, 150, 11)
	zipf := rand.NewZipf(rand.New(rand.NewPCG(11, 12)), 1.1, 1, 2999)
	for i := range ps {
		ps[i].ArtistName = fmt.Sprintf("Artist %04d", zipf.Uint64())
	}
	// A hundred artists with 2 USD each, one purchase in the first hour and
	// one in the second: tied, wherever a range cuts.
	tied := synthetic(start.Add(-2*time.Hour), 2*time.Hour, 3600, 12)[:200]
	for i := range tied {
		tied[i].ArtistName, tied[i].AmountPaidUSD = fmt.Sprintf("Tie %02d", i%100), 1
		tied[i].UTCDateRaw = float64(start.Add(-2*time.Hour+time.Duration(i/100)*time.Hour+time.Duration(i%100)*time.Second).UnixMicro()) / 1e6
		tied[i].ID = fmt.Sprintf("%d-tie%d", int64(tied[i].UTCDateRaw*1e6), i)
	}
	store(t, rdb, append(ps, tied...))
	now := start.Add(4 * 24 * time.Hour)
	svc := analytics.New(rdb, analytics.Options{Retention: retention, Now: func() time.Time { return now }})
	all := append(ps, tied...)
	ranges := []analytics.Range{
		{From: start.Add(-2 * time.Hour).UnixMilli(), To: start.UnixMilli()},    // the ties only
		{From: start.Add(-90 * time.Minute).UnixMilli(), To: start.UnixMilli()}, // half of each tie
		{From: start.UnixMilli(), To: now.UnixMilli()},                          // three days of many artists
		{From: start.Add(7*time.Hour + 3*time.Minute).UnixMilli(), To: start.Add(50*time.Hour + 59*time.Second).UnixMilli()},
	}
	for _, r := range ranges {
		a, err := svc.Artists(t.Context(), r)
		if err != nil {
			t.Fatal(err)
		}
		want := count(all, r)
		if !slices.Equal(a.Top, want.top(analytics.TopArtists)) {
			t.Errorf("%v: top = %v, want %v", r, a.Top, want.top(analytics.TopArtists))
		}
		if !closeEnough(a.Distinct, len(want.artists)) {
			t.Errorf("%v: distinct ≈ %d, want %d", r, a.Distinct, len(want.artists))
		}
	}
}
