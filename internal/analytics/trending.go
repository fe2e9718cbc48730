package analytics

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/beatsbyredis/beats/internal/purchases"
)

// TrendWindow is a window GET /purchases/trending offers, and how many of
// the windows before it make the baseline: a day of hours, a week of
// quarter days, a week of days.
type TrendWindow struct {
	Length   time.Duration
	Baseline int // windows
}

// TrendWindows are the windows by name.
var TrendWindows = map[string]TrendWindow{
	"1h":  {time.Hour, 24},
	"6h":  {6 * time.Hour, 28},
	"24h": {24 * time.Hour, 7},
}

// TrendingFormula is how GET /purchases/trending ranks, as it answers it.
const TrendingFormula = "rise = usd − baseline_usd, where usd is the artist's sales in the window and baseline_usd " +
	"their sales in the windows before it (baseline_from to baseline_to) divided by the number of windows; " +
	"the artists with the highest rise above 0, at most 10"

// MaxTrending is how many artists trending lists.
const MaxTrending = 10

// Trending is GET /purchases/trending.
type Trending struct {
	Window string `json:"window"`
	Range
	BaselineFrom int64   `json:"baseline_from"`
	BaselineTo   int64   `json:"baseline_to"`
	Windows      float64 `json:"baseline_windows"` // fewer when the retention clips the baseline
	Formula      string  `json:"formula"`
	Artists      []Trend `json:"artists"`
}

// Trend is one rising artist: both figures and the rise, in USD.
type Trend struct {
	Artist      string  `json:"artist"`
	USD         float64 `json:"usd"`
	BaselineUSD float64 `json:"baseline_usd"` // average per window
	Rise        float64 `json:"rise"`
}

// readTrending compares the last window up to now with the windows before.
func readTrending(ctx context.Context, rdb redis.UniversalClient, name string, now time.Time, retention time.Duration) (Trending, error) {
	w := TrendWindows[name]
	current := Window(w.Length, now)
	from := now.Add(-time.Duration(w.Baseline+1) * w.Length)
	baseline := Clip(new(from.UnixMilli()), new(current.From), now, retention)
	windows := float64(baseline.To-baseline.From) / float64(w.Length.Milliseconds())
	out := Trending{Window: name, Range: current, BaselineFrom: baseline.From, BaselineTo: baseline.To,
		Windows: windows, Formula: TrendingFormula, Artists: []Trend{}}

	cur, base := Split(current), Split(baseline)
	curEdges, err := edgeArtists(ctx, rdb, cur.Edges)
	if err != nil {
		return out, err
	}
	baseEdges, err := edgeArtists(ctx, rdb, base.Edges)
	if err != nil {
		return out, err
	}
	var keys []string
	for _, b := range cur.Buckets {
		keys = append(keys, purchases.ArtistsKey(b))
	}
	for _, b := range base.Buckets {
		keys = append(keys, purchases.ArtistsKey(b))
	}
	keys = append(keys, purchases.StatsScratch)
	args := []any{len(cur.Buckets), len(base.Buckets), MaxTrending, max(windows, 1e-9), len(curEdges)}
	for _, edges := range []map[string]int64{curEdges, baseEdges} {
		for artist, cents := range edges {
			args = append(args, artist, cents)
		}
	}
	reply, err := trendingScript.Run(ctx, rdb, keys, args...).Slice()
	if err != nil {
		return out, fmt.Errorf("analytics: trending %s: %w", name, err)
	}
	for i := 0; i+2 < len(reply); i += 3 {
		artist, _ := reply[i].(string)
		now, _ := reply[i+1].(int64)
		before, _ := reply[i+2].(int64)
		avg := float64(before) / 100 / max(windows, 1e-9)
		out.Artists = append(out.Artists, Trend{Artist: artist, USD: usd(now), BaselineUSD: round2(avg), Rise: round2(usd(now) - avg)})
	}
	return out, nil
}

func round2(f float64) float64 { return math.Round(f*100) / 100 }
