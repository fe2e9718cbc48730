package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"time"

	"github.com/beatsbyredis/beats/internal/purchases"
)

type latencies struct {
	P50 time.Duration `json:"p50_ns"`
	P99 time.Duration `json:"p99_ns"`
	Max time.Duration `json:"max_ns"`
}

func summarize(s []time.Duration) latencies {
	return latencies{P50: percentile(s, 0.5), P99: percentile(s, 0.99), Max: percentile(s, 1)}
}

type slowTerm struct {
	Term     string        `json:"term"`
	Query    string        `json:"query"` // the last command's
	Commands int           `json:"commands"`
	Endpoint time.Duration `json:"endpoint_ns"`
	Raw      time.Duration `json:"raw_ns"`
	Hits     int64         `json:"hits"`
}

type searchRun struct {
	Purchases int        `json:"purchases"`
	Terms     int        `json:"terms"`
	Endpoint  latencies  `json:"endpoint"`
	Raw       latencies  `json:"raw"`
	RatioP50  float64    `json:"ratio_p50"`
	RatioP99  float64    `json:"ratio_p99"`
	Empty     int        `json:"empty_results"`
	Slowest   []slowTerm `json:"slowest"`
	SlowLog   []any      `json:"slowlog"`
}

// runSearch times each term through GET /purchase/search of a `beats serve`
// child (logged in, one keep-alive connection) and, interleaved, the very
// commands the Reader sends (recorded), straight at Redis with go-redis.
func runSearch(ctx context.Context, st *stack, bin, tmp string, terms []string, loaded int) (searchRun, error) {
	run := searchRun{Purchases: loaded, Terms: len(terms)}
	srv, err := startLoggedIn(ctx, bin, filepath.Join(tmp, "search-serve.log"), st)
	if err != nil {
		return run, err
	}
	defer srv.stop()
	// The commands Reader.Search sends for each term, recorded on a client
	// of the same server: the raw side replays exactly these.
	rec := newRecorder(st.rdb.Options())
	defer rec.Close()
	reader := purchases.NewReader(rec)
	raws := make([][][]any, len(terms))
	rprog := startProgress("search: recording each term's commands (and warming the index)", int64(len(terms)))
	for i, t := range terms {
		if _, err := reader.Search(ctx, t); err != nil {
			return run, fmt.Errorf("search %q: %w", t, err)
		}
		raws[i] = rec.take()
		rprog.add(1)
	}
	rprog.end()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1}, Timeout: 10 * time.Second}
	endpoint := func(term string) (time.Duration, int, error) {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.base+"/purchase/search?term="+url.QueryEscape(term), nil)
		req.Header.Set("Cookie", srv.cookie)
		start := time.Now()
		resp, err := client.Do(req)
		if err != nil {
			return 0, 0, err
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		took := time.Since(start)
		if err != nil || resp.StatusCode != http.StatusOK {
			return 0, 0, fmt.Errorf("search %q: %s %s %v", term, resp.Status, body, err)
		}
		var found []json.RawMessage
		_ = json.Unmarshal(body, &found)
		return took, len(found), nil
	}
	raw := func(cmds [][]any) (time.Duration, int64, error) {
		var hits int64
		start := time.Now()
		for _, args := range cmds {
			res, err := st.rdb.Do(ctx, args...).Slice()
			if err != nil || len(res) == 0 {
				return 0, 0, fmt.Errorf("raw %v: %v", args, err)
			}
			hits, _ = res[0].(int64)
		}
		return time.Since(start), hits, nil
	}
	for i := range min(100, len(terms)) { // warm both paths up
		if _, _, err := endpoint(terms[i]); err != nil {
			return run, err
		}
		if _, _, err := raw(raws[i]); err != nil {
			return run, err
		}
	}
	_ = st.rdb.Do(ctx, "SLOWLOG", "RESET").Err()
	_ = st.rdb.Do(ctx, "CONFIG", "SET", "slowlog-log-slower-than", "5000").Err()
	var ep, rw []time.Duration
	var all []slowTerm
	prog := startProgress("search: terms", int64(len(terms)))
	for i, term := range terms {
		var e, r time.Duration
		var n int
		var hits int64
		var err error
		if i%2 == 0 { // alternate the order so neither side always goes first
			if e, n, err = endpoint(term); err == nil {
				r, hits, err = raw(raws[i])
			}
		} else if r, hits, err = raw(raws[i]); err == nil {
			e, n, err = endpoint(term)
		}
		if err != nil {
			return run, err
		}
		if n == 0 {
			run.Empty++
		}
		ep, rw = append(ep, e), append(rw, r)
		all = append(all, slowTerm{Term: term, Query: fmt.Sprint(raws[i][len(raws[i])-1][2]), Commands: len(raws[i]), Endpoint: e, Raw: r, Hits: hits})
		prog.add(1)
	}
	prog.end()
	run.Endpoint, run.Raw = summarize(ep), summarize(rw)
	run.RatioP50 = float64(run.Endpoint.P50) / float64(run.Raw.P50)
	run.RatioP99 = float64(run.Endpoint.P99) / float64(run.Raw.P99)
	slices.SortFunc(all, func(a, b slowTerm) int { return int(b.Endpoint - a.Endpoint) })
	run.Slowest = all[:min(15, len(all))]
	run.SlowLog, _ = st.rdb.Do(ctx, "SLOWLOG", "GET", "10").Slice()
	return run, nil
}
