package feed

import (
	"fmt"
	"math"
)

// currency is a seller's currency: how Bandcamp writes amounts in it, how
// its prices compare with a dollar's, and what a unit is worth in USD.
type currency struct {
	prefix, suffix string  // "$" and " AUD", or "" and " SEK"
	scale          int64   // price of a dollar-like item, in units of this one
	step           int64   // prices round to this many cents
	usd            float64 // USD per unit
}

var currencies = map[string]currency{
	"USD": {prefix: "$", scale: 1, step: 1, usd: 1},
	"EUR": {prefix: "€", scale: 1, step: 1, usd: 1.08},
	"GBP": {prefix: "£", scale: 1, step: 1, usd: 1.27},
	"CAD": {prefix: "$", suffix: " CAD", scale: 1, step: 1, usd: 0.73},
	"AUD": {prefix: "$", suffix: " AUD", scale: 1, step: 1, usd: 0.66},
	"NZD": {prefix: "$", suffix: " NZD", scale: 1, step: 1, usd: 0.60},
	"JPY": {prefix: "¥", scale: 150, step: 5000, usd: 0.0067},
	"SEK": {suffix: " SEK", scale: 10, step: 100, usd: 0.095},
	"NOK": {suffix: " NOK", scale: 10, step: 100, usd: 0.093},
	"DKK": {suffix: " DKK", scale: 7, step: 100, usd: 0.145},
}

// local converts a dollar-like price in cents into this currency's cents,
// rounded to a price a seller would set (¥50s, whole kronor).
func (c currency) local(cents int64) int64 {
	v := cents * c.scale
	if c.step > 1 {
		v = max(c.step, (v+c.step/2)/c.step*c.step)
	}
	return v
}

// format writes cents as Bandcamp does: no decimals for whole amounts,
// two otherwise ("€7", "€10.50", "$1 AUD", "50 SEK", "¥700").
func (c currency) format(cents int64) string {
	num := fmt.Sprintf("%d", cents/100)
	if cents%100 != 0 {
		num = fmt.Sprintf("%d.%02d", cents/100, cents%100)
	}
	return c.prefix + num + c.suffix
}

// toUSD converts cents to dollars, rounded to the cent as the feed does.
func (c currency) toUSD(cents int64) float64 {
	return math.Round(float64(cents)*c.usd) / 100
}
