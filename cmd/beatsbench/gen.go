package main

import (
	"context"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/beatsbyredis/beats/internal/feed"
)

// salesRate is the synthetic feed's checkouts a second for generated data;
// about what Bandcamp's public feed shows.
const salesRate = 2

// generator yields realistic sales (feed.NewSynthetic) whose items have
// unique ids, timed so that the last of n items falls about now: all of
// them are inside the app's retention, as live data would be.
type generator struct {
	src   *feed.Synthetic
	seen  map[string]struct{}
	left  int
	names *rand.Zipf // nil: the synthetic catalogue's artists
}

// artistNames, when set (--artists), renames each purchase's artist to one
// of that many, drawn with Zipf's law as sales concentrate on few artists:
// the synthetic catalogue has about fifty, the real feed tens of thousands,
// and what the range counters cost grows with the artists of each hour.
var artistNames int

func newGenerator(n int, seed int64) *generator {
	span := time.Duration(float64(n) / itemsPerCheckout / salesRate * float64(time.Second))
	return newGeneratorOver(n, seed, time.Now().Add(-span), span)
}

// itemsPerCheckout is the synthetic feed's mean (feed.Synthetic.itemCount).
const itemsPerCheckout = 1.22

// newGeneratorOver spreads n items over span from start.
func newGeneratorOver(n int, seed int64, start time.Time, span time.Duration) *generator {
	rate := float64(n) / itemsPerCheckout / span.Seconds()
	g := &generator{
		src:  feed.NewSynthetic(feed.SyntheticOptions{Rate: rate, Seed: seed, Now: func() time.Time { return start }}),
		seen: make(map[string]struct{}, n),
		left: n,
	}
	if artistNames > 1 {
		g.names = rand.NewZipf(rand.New(rand.NewPCG(uint64(seed), 99)), 1.1, 1, uint64(artistNames-1))
	}
	return g
}

// next returns the next sale, cut so that exactly n items come out in all;
// ok is false once they have.
func (g *generator) next() (feed.Sale, bool) {
	for g.left > 0 {
		sale, _ := g.src.Next(context.Background())
		items := sale.Items[:0]
		for _, it := range sale.Items {
			if _, dup := g.seen[it.ID]; dup || g.left == 0 {
				continue
			}
			g.seen[it.ID] = struct{}{}
			if g.names != nil {
				it.ArtistName = "Artist " + strconv.FormatUint(g.names.Uint64(), 10)
			}
			items = append(items, it)
			g.left--
		}
		if len(items) > 0 {
			sale.Items = items
			return sale, true
		}
	}
	return feed.Sale{}, false
}

// sales generates all n items at once, grouped in sales.
func generateSales(n int, seed int64) []feed.Sale {
	g := newGenerator(n, seed)
	var out []feed.Sale
	for {
		s, ok := g.next()
		if !ok {
			return out
		}
		out = append(out, s)
	}
}
