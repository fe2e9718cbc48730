package analytics_test

import (
	"cmp"
	"context"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/beatsbyredis/beats/internal/analytics"
	"github.com/beatsbyredis/beats/internal/feed"
	"github.com/beatsbyredis/beats/internal/purchases"
	"github.com/beatsbyredis/beats/internal/redistest"
)

const retention = 30 * 24 * time.Hour

// setup starts a Redis Stack prepared as the app prepares it.
func setup(t *testing.T) *redis.Client {
	t.Helper()
	rdb := redistest.New(t)
	if err := purchases.EnsureIndex(t.Context(), rdb); err != nil {
		t.Fatal(err)
	}
	if err := purchases.LoadScript(t.Context(), rdb); err != nil {
		t.Fatal(err)
	}
	return rdb
}

// synthetic makes the synthetic feed's purchases from start, about perHour
// of them an hour, for span.
func synthetic(start time.Time, span time.Duration, perHour float64, seed uint64) []purchases.Purchase {
	src := feed.NewSynthetic(feed.SyntheticOptions{Rate: perHour / 3600 / 1.2, Seed: int64(seed), Now: func() time.Time { return start }})
	end := float64(start.Add(span).UnixMicro()) / 1e6
	seen := map[string]bool{}
	var out []purchases.Purchase
	for {
		sale, _ := src.Next(context.Background())
		if sale.UTCDate >= end {
			return out
		}
		for _, it := range sale.Items {
			if !seen[it.ID] {
				seen[it.ID] = true
				out = append(out, purchases.Normalize(it))
			}
		}
	}
}

// storeRetention is the saver's: the tests' purchases are dated months
// ago, which the app's 30 days would refuse; each Service clips ranges to
// its own retention and clock.
const storeRetention = 10 * 365 * 24 * time.Hour

// store saves ps through the save script, pipelined.
func store(t *testing.T, rdb *redis.Client, ps []purchases.Purchase) {
	t.Helper()
	storeFor(t, rdb, ps, storeRetention)
}

// storeFor is store with the saver's retention.
func storeFor(t *testing.T, rdb *redis.Client, ps []purchases.Purchase, keep time.Duration) {
	t.Helper()
	saver := purchases.NewSaver(rdb, keep)
	for i := 0; i < len(ps); i += 500 {
		pipe := rdb.Pipeline()
		for _, p := range ps[i:min(i+500, len(ps))] {
			if _, err := saver.Queue(t.Context(), pipe, p); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := pipe.Exec(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
}

// counted is an independent count of the purchases in a range, straight
// from the purchases themselves.
type counted struct {
	total   analytics.Tally
	dims    map[string]map[string]analytics.Tally
	artists map[string]int64
	biggest purchases.Purchase
	found   []purchases.Purchase
}

func cents(usd float64) int64 { return int64(math.Round(usd * 100)) }

func count(ps []purchases.Purchase, r analytics.Range) counted {
	c := counted{artists: map[string]int64{}, dims: map[string]map[string]analytics.Tally{
		analytics.DimType: {}, analytics.DimCurrency: {}, analytics.DimCountry: {}}}
	from, to := float64(r.From)/1000, float64(r.To)/1000
	for _, p := range ps {
		if p.UTCDateRaw < from || p.UTCDateRaw >= to {
			continue
		}
		n := cents(p.AmountPaidUSD)
		c.found = append(c.found, p)
		c.total.Purchases++
		c.total.Cents += n
		for dim, v := range map[string]string{analytics.DimType: p.ItemType, analytics.DimCurrency: p.Currency, analytics.DimCountry: p.CountryCode} {
			t := c.dims[dim][v]
			t.Purchases++
			t.Cents += n
			c.dims[dim][v] = t
		}
		c.artists[p.ArtistName] += n
		if b := cents(c.biggest.AmountPaidUSD); c.biggest.ID == "" || n > b || (n == b && p.ID < c.biggest.ID) {
			c.biggest = p
		}
	}
	return c
}

// top is the n highest-earning artists, the smaller name first among equals.
func (c counted) top(n int) []analytics.ArtistSales {
	var all []analytics.ArtistSales
	for a, v := range c.artists {
		all = append(all, analytics.ArtistSales{Artist: a, Cents: v})
	}
	slices.SortFunc(all, func(a, b analytics.ArtistSales) int {
		return cmp.Or(cmp.Compare(b.Cents, a.Cents), cmp.Compare(a.Artist, b.Artist))
	})
	return all[:min(n, len(all))]
}
