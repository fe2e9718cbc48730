package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/beatsbyredis/beats/internal/purchases"
)

// analyticsSpan is the app's default retention, over which the analytics
// part spreads its purchases: from an hour after its start (the retention's
// start moves on while the bench runs) to ten minutes ago (the synthetic
// feed's item count per checkout varies, and no purchase may lie ahead).
const analyticsSpan = 30 * 24 * time.Hour

// analyticsRanges are the range lengths every range endpoint is timed at.
var analyticsRanges = []struct {
	name string
	span time.Duration
}{{"1 h", time.Hour}, {"24 h", 24 * time.Hour}, {"7 d", 7 * 24 * time.Hour}, {"30 d", 30 * 24 * time.Hour}}

// analyticsEndpoints are timed at each range.
var analyticsEndpoints = []struct{ name, path string }{
	{"top-sellers", "/purchases/top-sellers?"},
	{"summary", "/purchases/summary?"},
	{"breakdown", "/purchases/breakdown?by=item_type&"},
	{"by-country", "/purchases/by-country?"},
}

// byCountryWindows are the map's windows, asked by name.
var byCountryWindows = []string{"5m", "15m", "1h", "6h", "24h", "7d", "30d"}

type rangeTiming struct {
	Endpoint string    `json:"endpoint"`
	Range    string    `json:"range"`
	Lat      latencies `json:"latency"`
}

type contention struct {
	What        string    `json:"what"`
	TopSellers  latencies `json:"top_sellers"` // GET /purchases/top-sellers, all time
	ByCountry   latencies `json:"by_country"`  // the 16 looping clients'
	ByCountryN  int64     `json:"by_country_requests"`
	Seconds     float64   `json:"seconds"`
	StoredMeta  float64   `json:"stored_during"` // purchases the app's feed stored meanwhile
	RedisCPU    float64   `json:"redis_cpu_cores"`
	ServerCPU   float64   `json:"server_cpu_cores"`
	Concurrency int       `json:"clients"`
}

type exportRun struct {
	Format     string  `json:"format"`
	Rows       int64   `json:"rows"`
	Bytes      int64   `json:"bytes"`
	Seconds    float64 `json:"seconds"`
	RowsPerSec float64 `json:"rows_per_second"`
	RSSStartKB int64   `json:"rss_start_kb"`
	RSSMaxKB   int64   `json:"rss_max_kb"`
	RSSEndKB   int64   `json:"rss_end_kb"`
}

type analyticsRun struct {
	Purchases     int           `json:"purchases"`
	Artists       int           `json:"artists_option"`
	PerPurchase   float64       `json:"used_memory_per_purchase"`
	RawJSON       float64       `json:"raw_json"`
	CounterBytes  float64       `json:"counter_bytes_per_purchase"` // MEMORY USAGE of every stats:* key
	CounterKeys   int           `json:"counter_keys"`
	Ranges        []rangeTiming `json:"ranges"`
	Windows       []rangeTiming `json:"windows"`  // by-country?window=, as the dashboard asks (shared for 1 s)
	Trending      []rangeTiming `json:"trending"` // the first request of each window: computed, then kept 10 s
	TopAlone      latencies     `json:"top_sellers_alone"`
	Contention    []contention  `json:"contention"`
	Exports       []exportRun   `json:"exports"`
	ExportedCheck string        `json:"exported_check"`
}

// runAnalytics loads n purchases spread over 30 days into a fresh Redis
// Stack through the save script, then times the range endpoints of a
// `beats serve` child against it.
func runAnalytics(ctx context.Context, bin, tmp string, n, requests int, seed int64) (analyticsRun, error) {
	run := analyticsRun{Purchases: n, Artists: artistNames}
	st, err := startStack(ctx)
	if err != nil {
		return run, err
	}
	defer st.close()
	base, err := usedMemory(ctx, st.rdb)
	if err != nil {
		return run, err
	}
	l := newLoaderOver(st.rdb, n, seed+200, time.Now().Add(-analyticsSpan+time.Hour), analyticsSpan-time.Hour-10*time.Minute)
	logf("6. analytics: loading %s purchases over 30 days", commas(int64(n)))
	if err := l.loadTo(ctx, n); err != nil {
		return run, err
	}
	used, err := usedMemory(ctx, st.rdb)
	if err != nil {
		return run, err
	}
	run.PerPurchase, run.RawJSON = (used-base)/float64(n), float64(l.rawBytes)/float64(n)
	counters, keys, err := counterMemory(ctx, st.rdb)
	if err != nil {
		return run, err
	}
	run.CounterBytes, run.CounterKeys = counters/float64(n), keys

	srv, err := startLoggedIn(ctx, bin, filepath.Join(tmp, fmt.Sprintf("analytics-%d.log", n)), st)
	if err != nil {
		return run, err
	}
	defer srv.stop()
	rng := rand.New(rand.NewPCG(uint64(seed), 15))
	get := newGetter(srv)

	// Every request a range of its own (ending up to an hour ago), so none
	// is answered from the shared cache: each one computes.
	for _, e := range analyticsEndpoints {
		for _, r := range analyticsRanges {
			var lat []time.Duration
			prog := startProgress(fmt.Sprintf("analytics: %s over %s", e.name, r.name), int64(requests))
			for i := range requests + 10 {
				to := time.Now().Add(-time.Duration(rng.Int64N(int64(time.Hour)))).UnixMilli()
				d, err := get.timed(ctx, fmt.Sprintf("%sfrom=%d&to=%d", e.path, to-r.span.Milliseconds(), to))
				if err != nil {
					return run, err
				}
				if i >= 10 { // the first ten warm up
					lat = append(lat, d)
					prog.add(1)
				}
			}
			prog.end()
			run.Ranges = append(run.Ranges, rangeTiming{Endpoint: e.name, Range: r.name, Lat: summarize(lat)})
		}
	}
	for _, w := range byCountryWindows {
		var lat []time.Duration
		for range requests {
			d, err := get.timed(ctx, "/purchases/by-country?window="+w)
			if err != nil {
				return run, err
			}
			lat = append(lat, d)
		}
		run.Windows = append(run.Windows, rangeTiming{Endpoint: "by-country", Range: w, Lat: summarize(lat)})
	}
	for _, w := range []string{"1h", "6h", "24h"} {
		d, err := get.timed(ctx, "/purchases/trending?window="+w)
		if err != nil {
			return run, err
		}
		run.Trending = append(run.Trending, rangeTiming{Endpoint: "trending", Range: w, Lat: latencies{P50: d, P99: d, Max: d}})
	}
	if run.TopAlone, err = get.series(ctx, "/purchases/top-sellers", 2*requests); err != nil {
		return run, err
	}
	// Sixteen clients ask for the map in a loop, by window as the
	// dashboard does, then each with a 30-day range of its own (nothing
	// shared: the worst case), while one client times the top sellers.
	for _, c := range []struct {
		what string
		path func() string
	}{
		{"16 clients loop on by-country?window= (any of the seven)", func() string {
			return "/purchases/by-country?window=" + byCountryWindows[rand.IntN(len(byCountryWindows))]
		}},
		{"16 clients loop on by-country over 30 days, each request a range of its own", func() string {
			to := time.Now().Add(-time.Duration(rand.Int64N(int64(time.Hour)))).UnixMilli()
			return fmt.Sprintf("/purchases/by-country?from=%d&to=%d", to-analyticsSpan.Milliseconds(), to)
		}},
	} {
		logf("6. analytics: top-sellers while %s", c.what)
		cr, err := contend(ctx, st, srv, c.path, 16, 2*requests)
		if err != nil {
			return run, err
		}
		cr.What = c.what
		run.Contention = append(run.Contention, cr)
	}
	for _, format := range []string{"csv", "ndjson"} {
		logf("6. analytics: export of the 30 days as %s", format)
		ex, err := exportAll(ctx, srv, format)
		if err != nil {
			return run, err
		}
		if ex.Rows < int64(n) {
			return run, fmt.Errorf("export %s: %d rows, want at least the %d loaded", format, ex.Rows, n)
		}
		run.Exports = append(run.Exports, ex)
	}
	return run, nil
}

// counterMemory sums MEMORY USAGE of every stats:* key.
func counterMemory(ctx context.Context, rdb *redis.Client) (float64, int, error) {
	var sum float64
	keys := 0
	var cursor uint64
	for {
		batch, next, err := rdb.Scan(ctx, cursor, "stats:*", 1000).Result()
		if err != nil {
			return 0, 0, err
		}
		pipe := rdb.Pipeline()
		cmds := make([]*redis.IntCmd, len(batch))
		for i, k := range batch {
			cmds[i] = pipe.MemoryUsage(ctx, k, 0)
		}
		if len(batch) > 0 {
			if _, err := pipe.Exec(ctx); err != nil {
				return 0, 0, err
			}
		}
		for _, c := range cmds {
			sum += float64(c.Val())
		}
		keys += len(batch)
		if next == 0 {
			return sum, keys, nil
		}
		cursor = next
	}
}

// getter sends logged-in GETs on one keep-alive connection.
type getter struct {
	srv    *beatsServer
	client *http.Client
}

func newGetter(srv *beatsServer) *getter {
	return &getter{srv: srv, client: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1}, Timeout: 60 * time.Second}}
}

// timed is one request's time to the end of its body; a status other than
// 200 is an error.
func (g *getter) timed(ctx context.Context, path string) (time.Duration, error) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, g.srv.base+path, nil)
	req.Header.Set("Cookie", g.srv.cookie)
	start := time.Now()
	resp, err := g.client.Do(req)
	if err != nil {
		return 0, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	took := time.Since(start)
	if err != nil || resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("GET %s: %s %.200s %v", path, resp.Status, body, err)
	}
	return took, nil
}

func (g *getter) series(ctx context.Context, path string, n int) (latencies, error) {
	var lat []time.Duration
	for range n {
		d, err := g.timed(ctx, path)
		if err != nil {
			return latencies{}, err
		}
		lat = append(lat, d)
	}
	return summarize(lat), nil
}

// contend runs clients looping on path() while one getter times n
// all-time top-sellers requests.
func contend(ctx context.Context, st *stack, srv *beatsServer, path func() string, clients, n int) (contention, error) {
	c := contention{Concurrency: clients}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var mu sync.Mutex
	var loop []time.Duration
	var failed atomic.Value
	for range clients {
		g := newGetter(srv)
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				d, err := g.timed(ctx, path())
				if err != nil {
					failed.Store(err)
					return
				}
				mu.Lock()
				loop = append(loop, d)
				mu.Unlock()
			}
		})
	}
	time.Sleep(time.Second) // let the loops reach their pace before timing
	stored0 := storedCount(ctx, st)
	cpu := startCPU(ctx, st)
	server0, start := cpuTime(srv.pid()), time.Now()
	top, err := newGetter(srv).series(ctx, "/purchases/top-sellers", n)
	el := time.Since(start)
	c.RedisCPU, _ = cpu.stop()
	c.ServerCPU = (cpuTime(srv.pid()) - server0).Seconds() / el.Seconds()
	c.StoredMeta = float64(storedCount(ctx, st) - stored0)
	close(stop)
	wg.Wait()
	if err != nil {
		return c, err
	}
	if e, ok := failed.Load().(error); ok {
		return c, e
	}
	c.TopSellers, c.ByCountry, c.ByCountryN, c.Seconds = top, summarize(loop), int64(len(loop)), el.Seconds()
	return c, nil
}

// storedCount is how many purchase documents the index holds.
func storedCount(ctx context.Context, st *stack) int64 {
	res, err := st.rdb.Do(ctx, "FT.SEARCH", purchases.IndexAlias, "*", "LIMIT", 0, 0).Slice()
	if err != nil || len(res) == 0 {
		return 0
	}
	n, _ := res[0].(int64)
	return n
}

// exportAll downloads the whole retention's export, sampling the server's
// RSS every 50 ms, and counts its rows.
func exportAll(ctx context.Context, srv *beatsServer, format string) (exportRun, error) {
	ex := exportRun{Format: format, RSSStartKB: srv.rssKB()}
	ex.RSSMaxKB = ex.RSSStartKB
	done := make(chan struct{})
	var sampler sync.WaitGroup
	sampler.Go(func() {
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				ex.RSSMaxKB = max(ex.RSSMaxKB, srv.rssKB())
			}
		}
	})
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.base+"/purchases/export?format="+format, nil)
	req.Header.Set("Cookie", srv.cookie)
	start := time.Now()
	resp, err := (&http.Client{Timeout: 10 * time.Minute}).Do(req)
	if err != nil {
		close(done)
		sampler.Wait()
		return ex, err
	}
	r := bufio.NewReaderSize(resp.Body, 1<<20)
	for {
		line, err := r.ReadSlice('\n')
		ex.Bytes += int64(len(line))
		if len(line) > 0 && line[len(line)-1] == '\n' {
			ex.Rows++
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if err != nil {
			break
		}
	}
	resp.Body.Close()
	el := time.Since(start)
	close(done)
	sampler.Wait()
	if resp.StatusCode != http.StatusOK {
		return ex, fmt.Errorf("export: %s", resp.Status)
	}
	if format == "csv" {
		ex.Rows-- // the header
	}
	ex.Seconds, ex.RowsPerSec, ex.RSSEndKB = el.Seconds(), float64(ex.Rows)/el.Seconds(), srv.rssKB()
	return ex, nil
}

func addAnalytics(res *results, runs []analyticsRun) {
	const s = "6 analytics"
	for _, r := range runs {
		at := commas(int64(r.Purchases))
		if r.Artists > 0 {
			at += fmt.Sprintf(", %s Zipf artists", commas(int64(r.Artists)))
		}
		res.info(s, fmt.Sprintf("range counters (stats:*) per purchase, at %s over 30 days (%s keys)", at, commas(int64(r.CounterKeys))), r.CounterBytes, "B")
		res.check(s, "used_memory per purchase, at "+at+" over 30 days", r.PerPurchase, "B", "≤ 2× raw JSON", r.PerPurchase <= 2*r.RawJSON)
		for _, t := range r.Ranges {
			res.check(s, fmt.Sprintf("%s p99, %s range, at %s", t.Endpoint, t.Range, at), ms(t.Lat.P99), "ms", "≤ 20 ms", t.Lat.P99 <= 20*time.Millisecond)
			if t.Endpoint == "by-country" {
				res.check(s, fmt.Sprintf("by-country p50 (its own %s range, computed), at %s", t.Range, at), ms(t.Lat.P50), "ms", "≤ 10 ms", t.Lat.P50 <= 10*time.Millisecond)
			}
		}
		for _, w := range r.Windows {
			res.check(s, fmt.Sprintf("by-country?window=%s p50 (shared 1 s), at %s", w.Range, at), ms(w.Lat.P50), "ms", "≤ 10 ms", w.Lat.P50 <= 10*time.Millisecond)
		}
		for _, t := range r.Trending {
			res.info(s, fmt.Sprintf("trending?window=%s, its one computation (then kept 10 s), at %s", t.Range, at), ms(t.Lat.Max), "ms")
		}
		res.info(s, "top-sellers p99 alone, at "+at, ms(r.TopAlone.P99), "ms")
		for _, c := range r.Contention {
			res.check(s, fmt.Sprintf("top-sellers p99 while %s, at %s", c.What, at), ms(c.TopSellers.P99), "ms", "≤ 50 ms", c.TopSellers.P99 <= 50*time.Millisecond)
			res.Findings = append(res.Findings, fmt.Sprintf("analytics at %s, %s: top-sellers p50 %.1f ms p99 %.1f ms; the loops' by-country %d requests in %.0f s, p50 %.1f ms p99 %.1f ms; the app's feed stored %.0f purchases meanwhile; CPU: Redis %.2f cores, server %.2f",
				at, c.What, ms(c.TopSellers.P50), ms(c.TopSellers.P99), c.ByCountryN, c.Seconds, ms(c.ByCountry.P50), ms(c.ByCountry.P99), c.StoredMeta, c.RedisCPU, c.ServerCPU))
		}
		for _, e := range r.Exports {
			res.check(s, fmt.Sprintf("export %s of the 30 days (%s rows), at %s", e.Format, commas(e.Rows), at), e.RowsPerSec, "rows/s", "≥ 50,000", e.RowsPerSec >= 50_000)
			res.info(s, fmt.Sprintf("export %s: server RSS growth during it (max − start)", e.Format), float64(e.RSSMaxKB-e.RSSStartKB)/1024, "MB")
			res.Findings = append(res.Findings, fmt.Sprintf("analytics export %s at %s: %s rows, %s MB in %.1f s; server RSS %s KB before, at most %s KB during, %s KB after",
				e.Format, at, commas(e.Rows), commas(e.Bytes>>20), e.Seconds, commas(e.RSSStartKB), commas(e.RSSMaxKB), commas(e.RSSEndKB)))
		}
		var timings []string
		for _, t := range r.Ranges {
			timings = append(timings, fmt.Sprintf("%s %s p50 %.1f/p99 %.1f ms", t.Endpoint, t.Range, ms(t.Lat.P50), ms(t.Lat.P99)))
		}
		res.Findings = append(res.Findings, fmt.Sprintf("analytics at %s: %s", at, strings.Join(timings, "; ")))
	}
	res.detail("analytics", runs)
}
