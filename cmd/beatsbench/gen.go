package main

import (
	"context"
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
	src  *feed.Synthetic
	seen map[string]struct{}
	left int
}

func newGenerator(n int, seed int64) *generator {
	span := time.Duration(float64(n) / 1.2 / salesRate * float64(time.Second))
	start := time.Now().Add(-span)
	return &generator{
		src:  feed.NewSynthetic(feed.SyntheticOptions{Rate: salesRate, Seed: seed, Now: func() time.Time { return start }}),
		seen: make(map[string]struct{}, n),
		left: n,
	}
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
