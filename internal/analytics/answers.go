package analytics

import (
	"cmp"
	"slices"

	"github.com/beatsbyredis/beats/internal/purchases"
)

// The JSON answers of the range endpoints (see the README's API table).
// Money is USD, converted from exact cents.

// Summary is GET /purchases/summary: the headline numbers of a range.
type Summary struct {
	Range
	Purchases int64   `json:"purchases"`
	USD       float64 `json:"usd"`
	Artists   int64   `json:"artists"`   // distinct: a HyperLogLog estimate (standard error 0.81 %)
	Countries int64   `json:"countries"` // distinct country codes, exact
	// Biggest is the purchase with the highest amount in USD (the smallest
	// id among equals), or null for an empty range.
	Biggest *purchases.Purchase `json:"biggest"`
}

// SummaryOf shapes st and a (of the same range), with the biggest purchase
// as read by Service.Biggest.
func SummaryOf(st *Stats, a *Artists, biggest *purchases.Purchase) Summary {
	countries := int64(0)
	for code, t := range st.Dims[DimCountry] {
		if code != "" && t.Purchases > 0 {
			countries++
		}
	}
	return Summary{Range: st.Range, Purchases: st.Total.Purchases, USD: usd(st.Total.Cents),
		Artists: a.Distinct, Countries: countries, Biggest: biggest}
}

// Breakdown is GET /purchases/breakdown: every purchase of the range in
// exactly one row, highest USD first.
type Breakdown struct {
	By string `json:"by"`
	Range
	Rows []BreakdownRow `json:"rows"`
}

// BreakdownRow is one value of the dimension: the feed's own value as key.
type BreakdownRow struct {
	Key       string  `json:"key"`
	Label     string  `json:"label"`
	Purchases int64   `json:"purchases"`
	USD       float64 `json:"usd"`
}

// Breakdowns maps the by= parameter to its dimension.
var Breakdowns = map[string]string{"item_type": DimType, "country": DimCountry, "currency": DimCurrency}

// itemTypes are the labels of the feed's item types.
var itemTypes = map[string]string{"a": "Digital album", "t": "Digital track", "p": "Physical item", "b": "Discography bundle"}

// BreakdownOf shapes st by one of Breakdowns' keys.
func BreakdownOf(st *Stats, by string) Breakdown {
	dim := Breakdowns[by]
	rows := []BreakdownRow{}
	for key, t := range st.Dims[dim] {
		if t.Purchases == 0 && t.Cents == 0 {
			continue
		}
		rows = append(rows, BreakdownRow{Key: key, Label: label(st, dim, key), Purchases: t.Purchases, USD: usd(t.Cents)})
	}
	slices.SortFunc(rows, func(a, b BreakdownRow) int {
		return cmp.Or(cmp.Compare(b.USD, a.USD), cmp.Compare(b.Purchases, a.Purchases), cmp.Compare(a.Key, b.Key))
	})
	return Breakdown{By: by, Range: st.Range, Rows: rows}
}

func label(st *Stats, dim, key string) string {
	switch {
	case key == "":
		return "Unknown"
	case dim == DimType && itemTypes[key] != "":
		return itemTypes[key]
	case dim == DimCountry && st.Names[key] != "":
		return st.Names[key]
	}
	return key
}

// Countries is GET /purchases/by-country: the map, most purchases first.
type Countries struct {
	Window string `json:"window,omitempty"` // when asked by window
	Range
	Countries []CountrySales `json:"countries"`
}

// CountrySales is one country of the map.
type CountrySales struct {
	Code      string  `json:"code"`
	Name      string  `json:"name"`
	Purchases int64   `json:"purchases"`
	USD       float64 `json:"usd"`
}

// CountriesOf shapes st for the map; window is the window asked for, if any.
func CountriesOf(st *Stats, window string) Countries {
	out := Countries{Window: window, Range: st.Range, Countries: []CountrySales{}}
	for code, t := range st.Dims[DimCountry] {
		if code == "" || t.Purchases == 0 {
			continue // the map cannot place a purchase without a country
		}
		out.Countries = append(out.Countries, CountrySales{Code: code, Name: label(st, DimCountry, code), Purchases: t.Purchases, USD: usd(t.Cents)})
	}
	slices.SortFunc(out.Countries, func(a, b CountrySales) int {
		return cmp.Or(cmp.Compare(b.Purchases, a.Purchases), cmp.Compare(b.USD, a.USD), cmp.Compare(a.Code, b.Code))
	})
	return out
}

// TopSellers is GET /purchases/top-sellers with a range: the contract's
// {labels, series} plus the range used.
type TopSellers struct {
	purchases.TopSellersChart
	Range
}

// TopSellersOf shapes a range's top artists for the pie chart.
func TopSellersOf(a *Artists) TopSellers {
	chart := purchases.TopSellersChart{Labels: []string{}, Series: []float64{}}
	for _, t := range a.Top {
		chart.Labels = append(chart.Labels, t.Artist)
		chart.Series = append(chart.Series, usd(t.Cents))
	}
	return TopSellers{TopSellersChart: chart, Range: a.Range}
}

// usd turns exact cents into the USD figure the API shows.
func usd(cents int64) float64 { return float64(cents) / 100 }
