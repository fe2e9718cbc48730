package main

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/beatsbyredis/beats/internal/feed"
	"github.com/beatsbyredis/beats/internal/ingest"
	"github.com/beatsbyredis/beats/internal/purchases"
	"github.com/beatsbyredis/beats/internal/watchlist"
)

// watchRun is the watchlist part: what matching costs Redis per stored
// purchase with many users' terms, and the ingest ratio with them.
type watchRun struct {
	Users         int     `json:"users"`
	TermsPerUser  int     `json:"terms_per_user"`
	Watches       int64   `json:"watches"`        // terms added in all
	DistinctTerms int64   `json:"distinct_terms"` // after folding, shared between users
	LoadSeconds   float64 `json:"load_seconds"`
	IndexBytes    float64 `json:"index_bytes"` // used_memory of the watchlists and index
	Rate          float64 `json:"rate"`
	Paced         int     `json:"paced_purchases"`
	Without       paced   `json:"without"` // the app's save script with no matcher (the better of the runs)
	With          paced   `json:"with"`    // with the matcher and the terms (the better of the runs)
	// Runs are every paced run in the order they ran, alternating: without,
	// with, without, with.
	Runs     []paced `json:"runs"`
	Pipeline pipelineRun
	Limit    limitRun
}

// paced is one run at a steady rate through the real pipeline.
type paced struct {
	Stored    int64   `json:"stored"`
	SaveCalls int64   `json:"evalsha_calls"`
	SaveUsec  float64 `json:"evalsha_usec"` // Redis time of the save scripts, in all
	ReadUsec  float64 `json:"sunion_usec"`  // Redis time of the matcher's reads (SUNION), in all
	Matcher   bool    `json:"matcher"`
	Matched   int64   `json:"purchases_matched"`
	Hits      int64   `json:"hits"` // (purchase, term) pairs
	// Candidates is the mean number of terms the matcher read and checked
	// for each stored purchase.
	Candidates float64            `json:"candidates"`
	Commands   map[string]cmdStat `json:"commandstats"`
}

// usecPerSave is the Redis time of a purchase's save and of the matcher's
// read before it.
func (p paced) usecPerSave() float64 {
	return (p.SaveUsec + p.ReadUsec) / math.Max(1, float64(p.Stored))
}

func watchPart(ctx context.Context, res *results, sz sizes, seed int64) error {
	// The terms come from the catalogue the purchases are drawn from (the
	// synthetic feed's artists and titles follow its seed).
	salesSeed := seed + 37
	terms := watchTerms(sz.WatchUsers, sz.WatchTerms, salesSeed)
	r := watchRun{Users: sz.WatchUsers, TermsPerUser: sz.WatchTerms, Rate: sz.WatchRate}
	items := pacedItems(int(sz.WatchRate*sz.WatchFor.Seconds()), salesSeed)
	r.Paced = len(items)
	load := func(ctx context.Context, st *stack) error { return loadTerms(ctx, st, terms, &r) }
	// Each way twice, alternating, and the better run of each: the CPU is
	// shared, and a run that other work slowed says more of that work than
	// of the matcher.
	for round := range 2 {
		for _, match := range []bool{false, true} {
			what, prep := "with no matcher", func(context.Context, *stack) error { return nil }
			if match {
				what, prep = fmt.Sprintf("with %s users × %d terms", commas(int64(sz.WatchUsers)), sz.WatchTerms), load
			}
			logf("7. watchlist: %d purchases at %.0f/s, %s (round %d of 2)", len(items), sz.WatchRate, what, round+1)
			p, err := runPaced(ctx, items, sz.WatchRate, match, prep)
			if err != nil {
				return fmt.Errorf("watchlist, %s: %w", what, err)
			}
			r.Runs = append(r.Runs, p)
			best := &r.Without
			if match {
				best = &r.With
			}
			if round == 0 || p.usecPerSave() < best.usecPerSave() {
				*best = p
			}
		}
	}
	// The ingest and its limit, twice, alternating: the faster of each.
	sales := generateSales(sz.WatchIngest, salesSeed)
	for round := range 2 {
		logf("7. watchlist: ingest at full speed with the terms, %s purchases (round %d of 2)", commas(int64(sz.WatchIngest)), round+1)
		pipe, err := runPipeline(ctx, sales, sz.WatchIngest, 2, load)
		if err != nil {
			return fmt.Errorf("watchlist ingest: %w", err)
		}
		limit, err := runLimit(ctx, sales, sz.WatchIngest, load)
		if err != nil {
			return fmt.Errorf("watchlist limit: %w", err)
		}
		if pipe.PerSecond > r.Pipeline.PerSecond {
			r.Pipeline = pipe
		}
		if limit.PerSecond > r.Limit.PerSecond {
			r.Limit = limit
		}
	}
	addWatch(res, r)
	return nil
}

// watchTerms gives each user perUser terms of the kinds people follow,
// from the synthetic catalogue of seed in proportion to its sales, so that
// a few terms (a big country, a format, a best-selling artist) are watched
// by many users and most by few: an artist's name (35 %), a release's title
// (10 %), a distinctive word of a title (10 %), a country (10 %), a format
// (5 %), an artist's name folded as people type it ("gore" for "𝐺𝑂𝑅𝐸",
// 5 %), and an artist the sample does not hold (25 %): one to three words,
// each either of the catalogue's own vocabulary or made up ("velvet
// qorvath club"), the long tail of distinct terms. Those made only of
// common words ("night club") are the hard case for matching: anchored on
// one word, many purchases would meet them as candidates that then fail
// their other words.
func watchTerms(users, perUser int, seed int64) [][]string {
	rng := rand.New(rand.NewPCG(uint64(seed), 31))
	sold := catalogue(seed)
	var vocabulary []string // with repeats: common words come up more
	for _, p := range sold {
		for _, w := range strings.Fields(purchases.Fold(p.ArtistName + " " + p.AlbumTitle)) {
			if len([]rune(w)) >= 3 {
				vocabulary = append(vocabulary, w)
			}
		}
	}
	formats := []string{"vinyl", "cassette", "t-shirt", "compact disc", "hoodie", "discography", "gatefold", "poster"}
	pool := make([]string, 0, 20_000)
	for len(pool) < cap(pool) {
		p := sold[rng.IntN(len(sold))]
		var t string
		switch k := rng.IntN(100); {
		case k < 35:
			t = p.ArtistName
		case k < 45:
			t = pickTitle(rng, p)
		case k < 55:
			t = longestWord(purchases.Fold(pickTitle(rng, p)))
		case k < 65:
			t = p.Country
		case k < 70:
			t = formats[rng.IntN(len(formats))]
		case k < 75:
			t = purchases.Fold(p.ArtistName)
		}
		if strings.TrimSpace(t) != "" {
			pool = append(pool, t)
		}
	}
	out := make([][]string, users)
	for u := range out {
		seen := map[string]bool{}
		for tries := 0; len(out[u]) < perUser && tries < 20*perUser; tries++ {
			t := pool[rng.IntN(len(pool))]
			if rng.IntN(4) == 0 { // the long tail
				words := make([]string, 1+rng.IntN(3))
				for i := range words {
					words[i] = vocabulary[rng.IntN(len(vocabulary))]
					if rng.IntN(2) == 0 {
						words[i] = madeUpWord(rng)
					}
				}
				t = strings.Join(words, " ")
			}
			if f := purchases.Fold(t); f != "" && !seen[f] {
				seen[f] = true
				out[u] = append(out[u], t)
			}
		}
	}
	return out
}

// madeUpWord is two or three syllables, as band names invent them.
func madeUpWord(rng *rand.Rand) string {
	syllables := []string{"ka", "lo", "vi", "ren", "tor", "mi", "sha", "qu", "zel", "dra", "bo", "nix", "ath", "ul", "fen", "ry"}
	var b strings.Builder
	for range 2 + rng.IntN(2) {
		b.WriteString(syllables[rng.IntN(len(syllables))])
	}
	return b.String()
}

// longestWord is the longest of the words of s.
func longestWord(s string) string {
	best := ""
	for _, w := range strings.Fields(s) {
		if len([]rune(w)) > len([]rune(best)) {
			best = w
		}
	}
	return best
}

// loadTerms adds every user's terms through watchlist.Service.Add, eight
// at a time, and measures what they take in Redis.
func loadTerms(ctx context.Context, st *stack, terms [][]string, r *watchRun) error {
	before, err := usedMemory(ctx, st.rdb)
	if err != nil {
		return err
	}
	svc := watchlist.New(st.rdb, retention)
	start := time.Now()
	var added atomic.Int64
	var failed atomic.Value
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for u := w; u < len(terms); u += 8 {
				for _, t := range terms[u] {
					if _, _, err := svc.Add(ctx, fmt.Sprintf("bench-user-%05d", u), t); err != nil {
						failed.Store(err)
						return
					}
					added.Add(1)
				}
			}
		})
	}
	wg.Wait()
	if err, ok := failed.Load().(error); ok {
		return fmt.Errorf("add terms: %w", err)
	}
	r.LoadSeconds = time.Since(start).Seconds()
	r.Watches = added.Load()
	r.DistinctTerms = st.rdb.HLen(ctx, watchlist.TermsKey).Val()
	after, err := usedMemory(ctx, st.rdb)
	r.IndexBytes = after - before
	return err
}

// pacedItems are n purchases of the synthetic feed, one item each.
func pacedItems(n int, seed int64) []feed.Item {
	var items []feed.Item
	for _, s := range generateSales(n, seed) {
		items = append(items, s.Items...)
	}
	return items
}

// runPaced publishes items one by one at rate a second through the real
// pipeline (the publisher, two processors) on a fresh stack readied by
// prep, and reads what the save scripts cost Redis (INFO commandstats,
// reset before the first purchase).
func runPaced(ctx context.Context, items []feed.Item, rate float64, match bool, prep func(context.Context, *stack) error) (paced, error) {
	var p paced
	st, err := startStack(ctx)
	if err != nil {
		return p, err
	}
	defer st.close()
	if prep != nil {
		if err := prep(ctx, st); err != nil {
			return p, err
		}
	}
	pctx, stop := context.WithCancel(ctx)
	defer stop()
	var stored atomic.Int64
	var procs sync.WaitGroup
	matcher := watchlist.NewMatcher(st.rdb, retention)
	for i := range 2 {
		saver := purchases.NewSaver(st.rdb, retention)
		if match {
			saver = saver.WithMatcher(matcher)
		}
		proc := ingest.NewProcessor(st.rdb, saver, ingest.ProcessorOptions{
			Consumer: fmt.Sprintf("bench-%d", i), Stored: func(k int) { stored.Add(int64(k)) },
		})
		procs.Go(func() { _ = proc.Run(pctx) })
	}
	time.Sleep(300 * time.Millisecond) // the processors reach their first XREADGROUP
	_ = st.rdb.ConfigResetStat(ctx).Err()
	pub := ingest.NewPublisher(st.rdb)
	prog := startProgress(fmt.Sprintf("paced at %.0f/s: stored", rate), int64(len(items)))
	tick := time.NewTicker(time.Duration(float64(time.Second) / rate))
	for _, it := range items {
		select {
		case <-tick.C:
		case <-ctx.Done():
			return p, ctx.Err()
		}
		if err := pub.Publish(ctx, feed.Sale{UTCDate: it.UTCDate, Items: []feed.Item{it}}); err != nil {
			return p, err
		}
		prog.set(stored.Load())
	}
	tick.Stop()
	for deadline := time.Now().Add(time.Minute); stored.Load() < int64(len(items)); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			return p, fmt.Errorf("paced: %d of %d stored a minute after the last", stored.Load(), len(items))
		}
	}
	prog.end()
	p.Commands = commandStats(ctx, st.rdb)
	stop()
	procs.Wait()
	p.Stored = stored.Load()
	p.SaveCalls, p.SaveUsec = p.Commands["evalsha"].Calls, p.Commands["evalsha"].Usec
	p.ReadUsec = p.Commands["sunion"].Usec
	ms := matcher.Stats()
	p.Matcher = match
	p.Candidates = float64(ms.Candidates) / math.Max(1, float64(ms.Purchases))
	p.Matched, p.Hits = int64(ms.MatchedPurchases), int64(ms.Matches)
	return p, nil
}

func addWatch(res *results, r watchRun) {
	const s = "7 watchlist"
	res.info(s, fmt.Sprintf("%s users × %d terms: terms watched (distinct after folding: %s)", commas(int64(r.Users)), r.TermsPerUser, commas(r.DistinctTerms)), float64(r.Watches), "")
	res.info(s, "Redis memory of the watchlists and the index, per term watched", r.IndexBytes/math.Max(1, float64(r.Watches)), "B")
	n := float64(max(r.With.Stored, 1))
	res.info(s, fmt.Sprintf("purchases stored at %.0f/s with a match (of %s)", r.Rate, commas(r.With.Stored)), float64(r.With.Matched), "")
	res.info(s, "matches (purchase, term) per stored purchase", float64(r.With.Hits)/n, "")
	res.info(s, "candidate terms the matcher reads and checks per purchase", r.With.Candidates, "")
	res.info(s, "Redis time of the save script per purchase, no watchlist (the better of 2 runs)", r.Without.usecPerSave(), "µs")
	res.info(s, "Redis time of the matcher's read and the save script per purchase, with the terms (the better of 2 runs)", r.With.usecPerSave(), "µs")
	res.info(s, "of which the matcher's read (SUNION)", r.With.ReadUsec/n, "µs")
	added := (r.With.usecPerSave() - r.Without.usecPerSave()) / 1000
	res.check(s, "Redis time matching adds per stored purchase", added, "ms", "≤ 0.2 ms", added <= 0.2 && r.With.Hits > 0)
	ratio := r.Pipeline.PerSecond / r.Limit.PerSecond
	res.info(s, fmt.Sprintf("ingest with the terms, 2 processors (%s purchases, the faster of 2 runs)", commas(int64(r.Pipeline.Purchases))), r.Pipeline.PerSecond, "purchases/s")
	res.info(s, "Redis-bound limit with the terms (the faster of 2 runs)", r.Limit.PerSecond, "purchases/s")
	res.check(s, "ingest ratio to the limit with the terms", ratio, "", "≥ 0.7", ratio >= 0.7)
	var each []string
	for _, p := range r.Runs {
		way := "without"
		if p.Matcher {
			way = "with"
		}
		each = append(each, fmt.Sprintf("%s %.0f µs", way, p.usecPerSave()))
	}
	res.Findings = append(res.Findings, fmt.Sprintf("watchlist: %s terms added in %.1f s; Redis time per purchase of each paced run, in order: %s; the better run without terms: %s; with them: %s",
		commas(r.Watches), r.LoadSeconds, strings.Join(each, ", "), perPurchase(r.Without.Commands, int(r.Without.Stored)), perPurchase(r.With.Commands, int(r.With.Stored))))
	res.detail("watchlist", r)
}
