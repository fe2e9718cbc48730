package analytics_test

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/beatsbyredis/beats/internal/analytics"
)

// TestTrendingEqualsTheFormula checks each window against the formula
// computed straight from the purchases: the window's sales per artist
// against the average of the windows before it.
func TestTrendingEqualsTheFormula(t *testing.T) {
	testTrending(t, 0)
}

// TestTrendingAmongMany: the same with thousands of artists, sales
// concentrated on a few, where the script stops early.
func TestTrendingAmongMany(t *testing.T) {
	testTrending(t, 3000)
}

func testTrending(t *testing.T, artists uint64) {
	rdb := setup(t)
	start := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	ps := synthetic(start, 10*24*time.Hour, 20, 7)
	if artists > 0 {
		zipf := rand.NewZipf(rand.New(rand.NewPCG(7, 8)), 1.1, 1, artists-1)
		for i := range ps {
			ps[i].ArtistName = fmt.Sprintf("Artist %04d", zipf.Uint64())
		}
	}
	// A late surge of one artist, so that the top has a clear leader.
	surge := synthetic(start.Add(10*24*time.Hour-50*time.Minute), 40*time.Minute, 300, 8)
	for i := range surge {
		surge[i].ArtistName, surge[i].ID = "Surging Artist", surge[i].ID+"-s"
	}
	ps = append(ps, surge...)
	store(t, rdb, ps)
	now := start.Add(10*24*time.Hour - 7*time.Minute - 13*time.Second)
	svc := analytics.New(rdb, analytics.Options{Retention: retention, Now: func() time.Time { return now }})

	for name, w := range analytics.TrendWindows {
		t.Run(name, func(t *testing.T) {
			got, err := svc.Trending(t.Context(), name)
			if err != nil {
				t.Fatal(err)
			}
			current := analytics.Window(w.Length, now)
			baseline := analytics.Range{From: current.From - int64(w.Baseline)*w.Length.Milliseconds(), To: current.From}
			if got.Range != current || got.BaselineFrom != baseline.From || got.BaselineTo != baseline.To || got.Windows != float64(w.Baseline) {
				t.Fatalf("ranges %v, baseline %d–%d over %v windows; want %v, %v over %d", got.Range, got.BaselineFrom, got.BaselineTo, got.Windows, current, baseline, w.Baseline)
			}
			now, before := count(ps, current).artists, count(ps, baseline).artists
			type rising struct {
				artist     string
				rise       float64
				cur, based int64
			}
			var want []rising
			for a, c := range now {
				if rise := float64(c) - float64(before[a])/float64(w.Baseline); rise > 0 {
					want = append(want, rising{a, rise, c, before[a]})
				}
			}
			slices.SortFunc(want, func(a, b rising) int { return cmp.Or(cmp.Compare(b.rise, a.rise), cmp.Compare(a.artist, b.artist)) })
			want = want[:min(len(want), analytics.MaxTrending)]
			if len(got.Artists) != len(want) || len(want) == 0 {
				t.Fatalf("%d artists, want %d: %+v", len(got.Artists), len(want), got.Artists)
			}
			if got.Artists[0].Artist != "Surging Artist" {
				t.Errorf("first is %q, want the surging artist", got.Artists[0].Artist)
			}
			for i, a := range got.Artists {
				w := want[i]
				avg := float64(w.based) / 100 / float64(analytics.TrendWindows[name].Baseline)
				if a.Artist != w.artist || a.USD != float64(w.cur)/100 || math.Abs(a.BaselineUSD-avg) > 0.005 || math.Abs(a.Rise-w.rise/100) > 0.005 {
					t.Errorf("#%d: %+v, want %s %d cents now, %d cents before (rise %.2f)", i, a, w.artist, w.cur, w.based, w.rise/100)
				}
			}
		})
	}
	if _, err := svc.Trending(t.Context(), "2h"); err == nil {
		t.Error("window 2h accepted")
	}
}
