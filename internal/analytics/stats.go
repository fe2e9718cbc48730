package analytics

import (
	"context"
	"fmt"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/beatsbyredis/beats/internal/purchases"
)

// Tally is a number of purchases and their amount in cents.
type Tally struct {
	Purchases int64
	Cents     int64
}

func (t *Tally) add(purchases, cents int64) {
	t.Purchases += purchases
	t.Cents += cents
}

// ArtistSales is one artist's takings in a range.
type ArtistSales struct {
	Artist string
	Cents  int64
}

// Stats are the figures of one range, from which every range endpoint
// answers: all of them come from one read, so a dashboard that asks for
// the summary, the breakdowns, the map and the top sellers of the same
// range reads Redis once (see Service).
type Stats struct {
	Range Range
	Total Tally
	// Per item type, currency and country code.
	Dims map[string]map[string]Tally
	// Country code → the name the feed gives it.
	Names map[string]string
	// Artists is the number of distinct artists, exactly.
	Artists int64
	// Top are the TopArtists highest-earning artists, the smaller name
	// first among equals.
	Top []ArtistSales
	// The biggest purchase: the most cents, the smallest id among equals.
	BiggestID    string
	BiggestCents int64
}

// The dimensions a range is broken down by, as the counters name them.
const (
	DimType     = "type"
	DimCurrency = "currency"
	DimCountry  = "country"
)

// TopArtists is how many artists a range's top sellers list.
const TopArtists = 5

func newStats(r Range) *Stats {
	return &Stats{Range: r, Names: map[string]string{}, Dims: map[string]map[string]Tally{
		DimType: {}, DimCurrency: {}, DimCountry: {},
	}}
}

// count adds n purchases worth cents under one dimension's value.
func (st *Stats) count(dim, value string, n, cents int64) {
	values, ok := st.Dims[dim]
	if !ok {
		return // a dimension this version does not know
	}
	t := values[value]
	t.add(n, cents)
	values[value] = t
}

// biggest keeps the bigger of the current biggest purchase and id.
func (st *Stats) biggest(id string, cents int64) {
	if st.BiggestID == "" || cents > st.BiggestCents || (cents == st.BiggestCents && id < st.BiggestID) {
		st.BiggestID, st.BiggestCents = id, cents
	}
}

// addPurchase counts one purchase read from its document.
func (st *Stats) addPurchase(p purchases.Purchase, cents int64) {
	st.Total.add(1, cents)
	st.count(DimType, p.ItemType, 1, cents)
	st.count(DimCurrency, p.Currency, 1, cents)
	st.count(DimCountry, p.CountryCode, 1, cents)
	st.biggest(p.ID, cents)
}

// addCounters adds the summed counters the range script answers: a flat
// list of field names and integers, and the biggest purchase's id.
func (st *Stats) addCounters(fields []any) error {
	var biggest string
	var biggestCents int64
	for i := 0; i+1 < len(fields); i += 2 {
		field, _ := fields[i].(string)
		if field == "biggest" {
			biggest, _ = fields[i+1].(string)
			continue
		}
		n, ok := fields[i+1].(int64)
		if !ok {
			return fmt.Errorf("analytics: counter %s = %v: not an integer", field, fields[i+1])
		}
		measure, rest, _ := strings.Cut(field, ":")
		dim, val, split := strings.Cut(rest, ":")
		switch {
		case field == "purchases":
			st.Total.Purchases += n
		case field == "cents":
			st.Total.Cents += n
		case field == "biggest:cents":
			biggestCents = n
		case split && measure == "purchases":
			st.count(dim, val, n, 0)
		case split && measure == "cents":
			st.count(dim, val, 0, n)
		}
	}
	if biggest != "" {
		st.biggest(biggest, biggestCents)
	}
	return nil
}

// readStats reads the figures of r: the documents of its partial ten minutes
// first, then its whole buckets with the script, which sums their
// counters and the artists of both.
func readStats(ctx context.Context, rdb redis.UniversalClient, r Range) (*Stats, error) {
	st := newStats(r)
	plan := Split(r)
	edgeArtists := map[string]int64{}
	if len(plan.Edges) > 0 {
		err := scan(ctx, rdb, spanQuery(plan.Edges), false, func(p purchases.Purchase) error {
			cents, err := purchases.Cents(p.AmountPaidUSD)
			if err != nil {
				return fmt.Errorf("analytics: %s: %w", p.ID, err)
			}
			st.addPurchase(p, cents)
			edgeArtists[p.ArtistName] += cents
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	buckets := plan.Buckets
	keys := make([]string, 0, 2*len(buckets)+1)
	keys = append(keys, buckets...)
	for _, b := range buckets {
		keys = append(keys, purchases.ArtistsKey(b))
	}
	keys = append(keys, purchases.CountryNames)
	args := make([]any, 0, 2+2*len(edgeArtists))
	args = append(args, len(buckets), TopArtists)
	for artist, cents := range edgeArtists {
		args = append(args, artist, cents)
	}
	reply, err := rangeScript.Run(ctx, rdb, keys, args...).Slice()
	if err != nil {
		return nil, fmt.Errorf("analytics: read %d buckets: %w", len(buckets), err)
	}
	if len(reply) != 4 {
		return nil, fmt.Errorf("analytics: range script answered %d elements", len(reply))
	}
	counters, _ := reply[0].([]any)
	if err := st.addCounters(counters); err != nil {
		return nil, err
	}
	names, _ := reply[1].([]any)
	for i := 0; i+1 < len(names); i += 2 {
		code, _ := names[i].(string)
		st.Names[code], _ = names[i+1].(string)
	}
	st.Artists, _ = reply[2].(int64)
	top, _ := reply[3].([]any)
	for i := 0; i+1 < len(top); i += 2 {
		artist, _ := top[i].(string)
		cents, _ := top[i+1].(int64)
		st.Top = append(st.Top, ArtistSales{Artist: artist, Cents: cents})
	}
	return st, nil
}
