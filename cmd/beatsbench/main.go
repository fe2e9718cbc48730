// Command beatsbench measures Beats By Redis on the machine it runs on:
// ingest throughput against the Redis-bound limit, live fan-out, search at
// scale, memory per purchase and start-up time. `make bench` runs it in
// full and `make bench-quick` with reduced sizes; it writes a table into
// BENCHMARKS.md and the details into a JSON file, only when a run completes.
//
// `beatsbench fanout-client ...` is the WebSocket load generator, started
// by the bench itself as a separate process.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// sizes of one run; quick mode shrinks them all.
type sizes struct {
	Ingest        int
	MemoryAt      []int // the last is also the search size
	Terms         int
	Clients       int
	FanoutFor     time.Duration
	FanoutRate    float64
	FloorFor      time.Duration // each of the fan-out floor's runs
	StartupRuns   int
	IngestTryMore int   // processors of the second pipeline run
	AnalyticsAt   []int // purchases over 30 days, a fresh Redis each
	RangeRequests int   // per endpoint and range length
	WatchUsers    int   // watchlist: users, each with WatchTerms terms
	WatchTerms    int
	WatchFor      time.Duration // watchlist: each paced run
	WatchRate     float64       // watchlist: purchases a second
	WatchIngest   int           // watchlist: purchases of the full-speed ingest with the terms
}

var (
	full = sizes{Ingest: 200_000, MemoryAt: []int{100_000, 1_000_000}, Terms: 1000, Clients: 5000, FanoutFor: 60 * time.Second, FanoutRate: 200, FloorFor: 20 * time.Second, StartupRuns: 5, IngestTryMore: 2, AnalyticsAt: []int{100_000, 1_000_000}, RangeRequests: 200,
		WatchUsers: 10_000, WatchTerms: 20, WatchFor: 30 * time.Second, WatchRate: 200, WatchIngest: 10_000}
	quick = sizes{Ingest: 20_000, MemoryAt: []int{10_000, 100_000}, Terms: 300, Clients: 500, FanoutFor: 10 * time.Second, FanoutRate: 200, FloorFor: 5 * time.Second, StartupRuns: 3, IngestTryMore: 2, AnalyticsAt: []int{100_000}, RangeRequests: 50,
		WatchUsers: 2_000, WatchTerms: 20, WatchFor: 10 * time.Second, WatchRate: 200, WatchIngest: 5_000}
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "fanout-client" {
		os.Exit(fanoutClientMain(os.Args[2:]))
	}
	isQuick := flag.Bool("quick", false, "reduced sizes, under 2 minutes")
	out := flag.String("out", "BENCHMARKS.md", "Markdown file whose results block is replaced")
	jsonOut := flag.String("json", "bench-results.json", "JSON file for the details")
	bin := flag.String("beats", "bin/beats", "the beats binary (make build)")
	only := flag.String("only", "startup,ingest,memory,search,analytics,fanout,fanout-floor,watchlist", "comma-separated parts to run")
	analyticsAt := flag.String("analytics-at", "", "analytics: comma-separated sizes (default: the mode's)")
	seed := flag.Int64("seed", 1, "seed of the synthetic purchases")
	flag.IntVar(&publishers, "publishers", publishers, "ingest: goroutines publishing sales")
	flag.IntVar(&artistNames, "artists", 0, "memory, analytics: rename artists to this many, Zipf-distributed (0: the synthetic catalogue's)")
	clients := flag.Int("clients", 0, "fan-out: sockets (0: the mode's size)")
	fanoutFor := flag.Duration("fanout-for", 0, "fan-out: how long purchases are sent (0: the mode's)")
	flag.BoolVar(&fanoutRoles, "fanout-roles", false, "fan-out: serve the sockets from an instance run with --consumers 0, beside a second instance that stores")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	sz, mode := full, "full"
	if *isQuick {
		sz, mode = quick, "quick"
	}
	if *clients > 0 {
		sz.Clients = *clients
	}
	if *fanoutFor > 0 {
		sz.FanoutFor = *fanoutFor
	}
	if *analyticsAt != "" {
		sz.AnalyticsAt = nil
		for _, f := range strings.Split(*analyticsAt, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || n < 1000 {
				fmt.Fprintln(os.Stderr, "beatsbench: --analytics-at: sizes of 1000 or more")
				os.Exit(2)
			}
			sz.AnalyticsAt = append(sz.AnalyticsAt, n)
		}
	}
	parts := map[string]bool{}
	for _, p := range strings.Split(*only, ",") {
		parts[strings.TrimSpace(p)] = true
	}
	res := &results{Mode: mode, Date: time.Now().UTC().Format("2006-01-02 15:04 UTC"), Machine: machine(), Commit: commit(), Details: map[string]any{}}
	start, load0 := time.Now(), loadavg()
	if err := run(ctx, res, sz, *bin, *seed, parts); err != nil {
		fmt.Fprintln(os.Stderr, "beatsbench:", err)
		fmt.Fprintln(os.Stderr, "beatsbench: no results written (a run writes only when it completes)")
		os.Exit(1)
	}
	res.Seconds = time.Since(start).Round(time.Second).Seconds()
	res.Findings = append(res.Findings, fmt.Sprintf("1-minute load average %.2f at the start, %.2f at the end (the 2 cores are shared with whatever else runs)", load0, loadavg()))
	fmt.Println(res.markdown())
	if err := writeMarkdown(*out, res); err != nil {
		fmt.Fprintln(os.Stderr, "beatsbench:", err)
		os.Exit(1)
	}
	if err := writeJSON(*jsonOut, res); err != nil {
		fmt.Fprintln(os.Stderr, "beatsbench:", err)
		os.Exit(1)
	}
	logf("wrote %s and %s", *out, *jsonOut)
}

func run(ctx context.Context, res *results, sz sizes, bin string, seed int64, parts map[string]bool) error {
	if _, err := os.Stat(bin); err != nil && (parts["startup"] || parts["search"] || parts["fanout"] || parts["analytics"]) {
		return fmt.Errorf("%s: %w (run make build)", bin, err)
	}
	tmp, err := os.MkdirTemp("", "beatsbench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	logf("beatsbench %s run on %s, commit %s", res.Mode, res.Machine, res.Commit)
	if parts["startup"] {
		logf("5. start-up: %d runs of %s serve with its embedded Redis Stack", sz.StartupRuns, bin)
		r, err := runStartup(ctx, bin, sz.StartupRuns)
		if err != nil {
			return fmt.Errorf("start-up: %w", err)
		}
		addStartup(res, r)
	}
	if parts["ingest"] {
		if err := ingestPart(ctx, res, sz, seed); err != nil {
			return err
		}
	}
	if parts["memory"] || parts["search"] {
		if err := memorySearchPart(ctx, res, sz, bin, tmp, seed, parts); err != nil {
			return err
		}
	}
	if parts["analytics"] {
		var runs []analyticsRun
		for _, n := range sz.AnalyticsAt {
			r, err := runAnalytics(ctx, bin, tmp, n, sz.RangeRequests, seed)
			if err != nil {
				return fmt.Errorf("analytics at %d: %w", n, err)
			}
			runs = append(runs, r)
		}
		addAnalytics(res, runs)
	}
	if parts["fanout"] {
		logf("2. fan-out: %d WebSocket clients, %.0f purchases/s for %s", sz.Clients, sz.FanoutRate, sz.FanoutFor)
		r, err := runFanout(ctx, bin, tmp, sz.Clients, sz.FanoutFor, sz.FanoutRate)
		if err != nil {
			return fmt.Errorf("fan-out: %w", err)
		}
		addFanout(res, r)
	}
	if parts["fanout-floor"] {
		if err := floorPart(ctx, res, sz); err != nil {
			return err
		}
	}
	if parts["watchlist"] {
		if err := watchPart(ctx, res, sz, seed); err != nil {
			return err
		}
	}
	return nil
}

func ingestPart(ctx context.Context, res *results, sz sizes, seed int64) error {
	logf("1. ingest: generating %s synthetic purchases", commas(int64(sz.Ingest)))
	sales := generateSales(sz.Ingest, seed)
	var runs []pipelineRun
	for _, procs := range []int{1, sz.IngestTryMore} {
		logf("1. ingest: whole pipeline, %d processor(s), %d publishers", procs, publishers)
		r, err := runPipeline(ctx, sales, sz.Ingest, procs, nil)
		if err != nil {
			return fmt.Errorf("ingest: %w", err)
		}
		runs = append(runs, r)
	}
	logf("1. ingest: Redis-bound limit, the same commands deep-pipelined")
	lim, err := runLimit(ctx, sales, sz.Ingest, nil)
	if err != nil {
		return fmt.Errorf("limit: %w", err)
	}
	logf("1. ingest: each stage alone, to see which one bounds the pipeline")
	var stages []stageRun
	st, err := publishOnly(ctx, sales, sz.Ingest)
	if err != nil {
		return fmt.Errorf("publish alone: %w", err)
	}
	stages = append(stages, st)
	for _, procs := range []int{1, sz.IngestTryMore} {
		st, err := processOnly(ctx, sales, procs)
		if err != nil {
			return err
		}
		stages = append(stages, st)
	}
	addIngest(res, runs, lim, stages)
	return nil
}

func memorySearchPart(ctx context.Context, res *results, sz sizes, bin, tmp string, seed int64, parts map[string]bool) error {
	st, err := startStack(ctx)
	if err != nil {
		return err
	}
	defer st.close()
	base, err := usedMemory(ctx, st.rdb)
	if err != nil {
		return err
	}
	last := sz.MemoryAt[len(sz.MemoryAt)-1]
	l := newLoader(st.rdb, last, seed+100)
	var points []memPoint
	for _, n := range sz.MemoryAt {
		logf("3/4. loading %s purchases (Saver.Queue, pipelined)", commas(int64(n)))
		if err := l.loadTo(ctx, n); err != nil {
			return err
		}
		if parts["memory"] {
			m, err := measureMemory(ctx, st, l, base)
			if err != nil {
				return fmt.Errorf("memory: %w", err)
			}
			points = append(points, m)
		}
	}
	addMemory(res, points)
	if parts["search"] {
		logf("3. search: %d terms at %s purchases, endpoint and raw FT.SEARCH", sz.Terms, commas(int64(last)))
		r, err := runSearch(ctx, st, bin, tmp, searchTerms(sz.Terms, seed+7), last)
		if err != nil {
			return fmt.Errorf("search: %w", err)
		}
		addSearch(res, r)
	}
	if parts["memory"] {
		logf("4. memory: where the bytes go at %s purchases (removing each part in turn)", commas(int64(last)))
		a, err := attributeMemory(ctx, st, last)
		if err != nil {
			return err
		}
		addAttribution(res, a, points[len(points)-1])
	}
	return nil
}
