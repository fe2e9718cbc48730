package analytics

import (
	"context"
	"fmt"

	"github.com/redis/go-redis/v9"

	"github.com/beatsbyredis/beats/internal/purchases"
)

// Artists are a range's artists: how many, and who earned most.
type Artists struct {
	Range Range
	// Distinct is the number of distinct artists: a HyperLogLog estimate
	// (standard error 0.81 %), where an exact count would read every artist
	// of the range.
	Distinct int64
	// Top are the TopArtists highest-earning artists, exactly, the smaller
	// name first among equals.
	Top []ArtistSales
}

// ArtistSales is one artist's takings in a range.
type ArtistSales struct {
	Artist string
	Cents  int64
}

// TopArtists is how many artists a range's top sellers list.
const TopArtists = 5

// readArtists reads the artists of r: those of its partial ten minutes from
// the documents, then, with artists.lua, the distinct count and the top of
// its whole buckets and those together.
func readArtists(ctx context.Context, rdb redis.UniversalClient, r Range) (*Artists, error) {
	plan := Split(r)
	edges, err := edgeArtists(ctx, rdb, plan.Edges)
	if err != nil {
		return nil, err
	}
	n := len(plan.Buckets)
	keys := make([]string, 0, 2*n+1)
	for _, b := range plan.Buckets {
		keys = append(keys, purchases.ArtistsKey(b))
	}
	for _, b := range plan.Buckets {
		keys = append(keys, purchases.DistinctKey(b))
	}
	keys = append(keys, purchases.StatsScratch)
	args := make([]any, 0, 2+2*len(edges))
	args = append(args, n, TopArtists)
	for artist, cents := range edges {
		args = append(args, artist, cents)
	}
	reply, err := artistsScript.Run(ctx, rdb, keys, args...).Slice()
	if err != nil {
		return nil, fmt.Errorf("analytics: artists of %d buckets: %w", n, err)
	}
	if len(reply) != 2 {
		return nil, fmt.Errorf("analytics: artists script answered %d elements", len(reply))
	}
	a := &Artists{Range: r}
	a.Distinct, _ = reply[0].(int64)
	top, _ := reply[1].([]any)
	for i := 0; i+1 < len(top); i += 2 {
		artist, _ := top[i].(string)
		cents, _ := top[i+1].(int64)
		a.Top = append(a.Top, ArtistSales{Artist: artist, Cents: cents})
	}
	return a, nil
}

// edgeArtists sums the cents of each artist's purchases in spans, from the
// documents.
func edgeArtists(ctx context.Context, rdb redis.UniversalClient, spans []Range) (map[string]int64, error) {
	sums := map[string]int64{}
	if len(spans) == 0 {
		return sums, nil
	}
	err := scan(ctx, rdb, purchases.Query{Text: spanQuery(spans)}, false, func(p purchases.Purchase) error {
		cents, err := purchases.Cents(p.AmountPaidUSD)
		if err != nil {
			return fmt.Errorf("analytics: %s: %w", p.ID, err)
		}
		sums[p.ArtistName] += cents
		return nil
	})
	return sums, err
}
