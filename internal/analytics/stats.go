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

// Stats are the counted figures of one range, from which the summary, the
// breakdowns and the map answer: one read for all of them, so a dashboard
// asking for each of the same range reads Redis once (see Service). The
// artists are read apart (see Artists): their cost grows with how many
// artists sold, which the map should never pay.
type Stats struct {
	Range Range
	Total Tally
	// Per item type, currency and country code.
	Dims map[string]map[string]Tally
	// Country code → the name the feed gives it.
	Names map[string]string
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

// readStats reads the counted figures of r: the documents of its partial
// ten minutes first, then its whole buckets with the script, which sums
// their counters.
func readStats(ctx context.Context, rdb redis.UniversalClient, r Range) (*Stats, error) {
	st := newStats(r)
	plan := Split(r)
	if len(plan.Edges) > 0 {
		err := scan(ctx, rdb, purchases.Query{Text: spanQuery(plan.Edges)}, false, func(p purchases.Purchase) error {
			cents, err := purchases.Cents(p.AmountPaidUSD)
			if err != nil {
				return fmt.Errorf("analytics: %s: %w", p.ID, err)
			}
			st.addPurchase(p, cents)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	keys := append(plan.Buckets[:len(plan.Buckets):len(plan.Buckets)], purchases.CountryNames)
	reply, err := rangeScript.Run(ctx, rdb, keys, len(plan.Buckets)).Slice()
	if err != nil {
		return nil, fmt.Errorf("analytics: read %d buckets: %w", len(plan.Buckets), err)
	}
	if len(reply) != 2 {
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
	return st, nil
}
