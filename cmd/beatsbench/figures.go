package main

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/beatsbyredis/beats/internal/config"
)

// The rows of the table, with the targets.

func addIngest(res *results, runs []pipelineRun, lim limitRun, stages []stageRun) {
	const s = "1 ingest"
	res.info(s, fmt.Sprintf("Redis-bound limit (%s purchases, same commands deep-pipelined)", commas(int64(lim.Purchases))), lim.PerSecond, "purchases/s")
	for _, r := range runs {
		res.info(s, fmt.Sprintf("whole pipeline, %d processor(s), %d publishers", r.Processors, r.Publishers), r.PerSecond, "purchases/s")
		ratio := r.PerSecond / lim.PerSecond
		if r.Processors == config.DefaultConsumers {
			// The target is the app's, so it holds in the app's setting; the
			// other counts show how the pipeline scales.
			res.check(s, fmt.Sprintf("ratio to the limit, %d processors (as one app instance runs)", r.Processors), ratio, "", "≥ 0.7", ratio >= 0.7)
		} else {
			res.info(s, fmt.Sprintf("ratio to the limit, %d processor(s)", r.Processors), ratio, "")
		}
		res.Findings = append(res.Findings, fmt.Sprintf("ingest, %d processor(s): exactly-once kept: %d documents, %.0f in sales_ts, top-sellers %.2f USD of %.2f, %d pending; backlog at most %s; CPU: Redis %.2f cores, bench process %.2f; %s",
			r.Processors, r.Check.Docs, r.Check.SeriesCount, r.Check.TopUSD, r.Check.WantUSD, r.Check.Pending, commas(r.MaxBacklog), r.RedisCPU, r.BenchCPU, perPurchase(r.Commands, r.Purchases)))
	}
	res.Findings = append(res.Findings, fmt.Sprintf("ingest limit: %s commands (%s MB) on one connection, %d batches of %d in flight; CPU: Redis %.2f cores, bench %.2f; %s",
		commas(int64(lim.Sent)), commas(int64(lim.Bytes>>20)), limitDepth, limitBatch, lim.RedisCPU, lim.BenchCPU, perPurchase(lim.Commands, lim.Purchases)))
	for _, st := range stages {
		res.info(s, fmt.Sprintf("%s (%s purchases)", st.Stage, commas(int64(st.Purchases))), st.PerSecond, "purchases/s")
		res.Findings = append(res.Findings, fmt.Sprintf("ingest stage, %s: CPU Redis %.2f cores, bench %.2f", st.Stage, st.RedisCPU, st.BenchCPU))
	}
	res.detail("ingest_stages", stages)
	res.detail("ingest_pipeline", runs)
	res.detail("ingest_limit", lim)
}

func addFanout(res *results, r fanoutRun) {
	const s = "2 fan-out"
	c := r.Result
	topology := ""
	if r.Roles {
		topology = "; sockets on an instance with --consumers 0, storing on another"
	}
	res.info(s, fmt.Sprintf("clients connected (of %d; %d purchases at %.0f/s%s)", r.Clients, r.Sent, r.Rate, topology), float64(c.Connected), "")
	res.info(s, "XADD → client latency p50", ms(r.P50), "ms")
	res.check(s, "XADD → client latency p99", ms(r.P99), "ms", "≤ 100 ms", r.P99 <= 100*time.Millisecond && c.Latency.N > 0)
	res.info(s, "XADD → client latency max", ms(r.Max), "ms")
	res.check(s, "purchases missed by clients still connected", float64(c.MissingOpen), "", "0", c.MissingOpen == 0 && c.Connected > 0)
	res.info(s, "clients dropped by the server (slow consumer)", float64(c.ClosedByServer), "")
	res.check(s, "server RSS per connection", r.PerConnKB, "KB", "≤ 20 KB", r.PerConnKB <= 20)
	res.info(s, "server CPU while sending", r.ServerCPU, "cores")
	perDelivery := 0.0
	if c.Received > 0 {
		perDelivery = float64(r.ServerCPUTotal.Nanoseconds()) / float64(c.Received)
	}
	if r.Broadcasts > 0 && c.Connected > 0 {
		writes := r.Broadcasts * float64(c.Connected)
		res.Findings = append(res.Findings, fmt.Sprintf("fan-out: %s messages broadcast, %.1f a second, %.1f purchases each; server CPU %.1f µs per socket write",
			commas(int64(r.Broadcasts)), r.Broadcasts/(r.Duration.Seconds()+r.Drain.Seconds()), float64(r.Sent)/r.Broadcasts, float64(r.ServerCPUTotal.Microseconds())/writes))
	}
	res.Findings = append(res.Findings, fmt.Sprintf("fan-out: server RSS %s KB before, %s KB with %d sockets, peak %s KB; CPU in cores: server %.2f, clients %.2f, Redis %.2f; server CPU %.0f ns per purchase delivered; %s deliveries, %d duplicates, %d missed by dropped clients, close codes %v; the last purchases reached every client %.1f s after the last XADD",
		commas(r.RSSBeforeKB), commas(r.RSSConnectedKB), c.Connected, commas(r.RSSPeakKB), r.ServerCPU, r.ClientCPU, r.RedisCPU, perDelivery, commas(int64(c.Received)), c.Duplicates, c.MissingClosed, c.CloseCodes, r.Drain.Seconds()))
	res.detail("fanout", r)
	res.detail("fanout_latency_ms", map[string]float64{"p50": ms(r.P50), "p90": ms(c.Latency.quantile(0.9)), "p99": ms(r.P99), "p999": ms(c.Latency.quantile(0.999)), "max": ms(r.Max)})
}

func addSearch(res *results, r searchRun) {
	const s = "3 search"
	name := fmt.Sprintf("%d terms at %s purchases", r.Terms, commas(int64(r.Purchases)))
	res.info(s, "GET /purchase/search p50, "+name, ms(r.Endpoint.P50), "ms")
	res.check(s, "GET /purchase/search p99", ms(r.Endpoint.P99), "ms", "≤ 10 ms", r.Endpoint.P99 <= 10*time.Millisecond)
	res.info(s, "raw FT.SEARCH p50", ms(r.Raw.P50), "ms")
	res.info(s, "raw FT.SEARCH p99", ms(r.Raw.P99), "ms")
	res.check(s, "endpoint / raw, p50", r.RatioP50, "×", "≤ 1.5×", r.RatioP50 <= 1.5)
	res.check(s, "endpoint / raw, p99", r.RatioP99, "×", "≤ 1.5×", r.RatioP99 <= 1.5)
	if len(r.Slowest) > 0 {
		w := r.Slowest[0]
		res.Findings = append(res.Findings, fmt.Sprintf("search: slowest term %q (%d hits): endpoint %.1f ms, raw %.1f ms; %d of %d terms found nothing; max endpoint %.1f ms, raw %.1f ms",
			w.Term, w.Hits, ms(w.Endpoint), ms(w.Raw), r.Empty, r.Terms, ms(r.Endpoint.Max), ms(r.Raw.Max)))
	}
	res.detail("search", r)
}

func addMemory(res *results, points []memPoint) {
	const s = "4 memory"
	for _, m := range points {
		at := commas(int64(m.Purchases))
		res.info(s, "raw JSON of a purchase (feed item), at "+at, m.RawJSON, "B")
		res.check(s, "used_memory per stored purchase, at "+at, m.PerPurchase, "B", "≤ 2× raw JSON", m.Ratio <= 2)
		res.info(s, "ratio to raw JSON, at "+at, m.Ratio, "×")
	}
	if len(points) > 0 {
		res.detail("memory", points)
	}
}

func addStartup(res *results, r startupRun) {
	const s = "5 start-up"
	res.check(s, fmt.Sprintf("bin/beats serve → /readyz 200, median of %d (empty data dir)", len(r.Runs)), r.Median.Seconds(), "s", "< 2 s", r.Median < 2*time.Second)
	res.check(s, "slowest start-up", r.Slowest.Seconds(), "s", "< 2 s", r.Slowest < 2*time.Second)
	res.detail("startup", r)
}

func addAttribution(res *results, a attribution, m memPoint) {
	parts := []string{}
	var sum float64
	for _, st := range a.Steps {
		b := st.Freed / float64(a.Purchases)
		sum += b
		parts = append(parts, fmt.Sprintf("%s %.0f B", st.What, b))
	}
	res.Findings = append(res.Findings, fmt.Sprintf("memory at %s purchases, per purchase, freed by removing each part in turn: %s; %.0f B of the %.0f B measured (raw feed JSON %.0f B, stored document JSON with search_text %.0f B)",
		commas(int64(a.Purchases)), strings.Join(parts, ", "), sum, m.PerPurchase, m.RawJSON, m.DocJSON))
	res.detail("memory_attribution", a)
}

// perPurchase lists commandstats as Redis time per purchase, biggest first.
func perPurchase(stats map[string]cmdStat, n int) string {
	type kv struct {
		name string
		us   float64
	}
	var list []kv
	for name, s := range stats {
		if s.Usec/float64(n) >= 0.05 {
			list = append(list, kv{name, s.Usec / float64(n)})
		}
	}
	slices.SortFunc(list, func(a, b kv) int { return int(1000 * (b.us - a.us)) })
	parts := []string{}
	for _, e := range list {
		parts = append(parts, fmt.Sprintf("%s %.1f", e.name, e.us))
	}
	return fmt.Sprintf("Redis µs per purchase by command (INFO commandstats; the script's own commands are counted inside evalsha too): %s", strings.Join(parts, ", "))
}

func addFloor(res *results, runs []floorRun) {
	const s = "2 fan-out floor"
	res.detail("fanout_floor", runs)
	best := -1
	for i, r := range runs {
		res.Findings = append(res.Findings, fmt.Sprintf("fan-out floor, rounds %s: p50 %.1f ms, p99 %.1f ms, max %.1f ms; %d rounds of %.0f B; CPU in cores: server %.2f, clients %.2f; %.1f µs server CPU per write, %.1f µs client CPU per message; %d sockets no longer written (full or broken), %d purchases missed",
			intervalName(r.Interval), ms(r.P50), ms(r.P99), ms(r.Max), r.Rounds, r.MessageBytes, r.ServerCPU, r.ClientCPU,
			float64(r.WriteCPU.Nanoseconds())/1000, float64(r.ReadCPU.Nanoseconds())/1000, r.Stopped, r.Result.MissingOpen+r.Result.MissingClosed))
		// A run in which no client received anything has no p99 to compare.
		if r.Result.Latency.N > 0 && (best < 0 || r.P99 < runs[best].P99) {
			best = i
		}
	}
	if best < 0 {
		res.Findings = append(res.Findings, "fan-out floor: no client received anything, so there is no floor")
		return
	}
	b := runs[best]
	res.info(s, fmt.Sprintf("best p99 of a raw write(2) server, %d clients (rounds %s)", b.Clients, intervalName(b.Interval)), ms(b.P99), "ms")
	res.info(s, "its p50", ms(b.P50), "ms")
	if app, ok := res.Details["fanout_latency_ms"].(map[string]float64); ok && b.P99 > 0 && b.Clients == appClients(res) {
		res.info(s, "the app's p99 over this floor", app["p99"]/ms(b.P99), "×")
	}
}

// appClients is how many sockets the app's fan-out run had, 0 without one.
func appClients(res *results) int {
	if r, ok := res.Details["fanout"].(fanoutRun); ok {
		return r.Clients
	}
	return 0
}

func intervalName(d time.Duration) string {
	if d == 0 {
		return "back to back"
	}
	return "every " + d.String()
}
