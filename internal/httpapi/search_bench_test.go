package httpapi

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/beatsbyredis/beats/internal/accounts"
	"github.com/beatsbyredis/beats/internal/feed"
	"github.com/beatsbyredis/beats/internal/purchases"
	"github.com/beatsbyredis/beats/internal/redistest"
)

// searchBenchTerms are a few of the kinds of terms people type.
var searchBenchTerms = []string{"gore", "united states", "vinyl", "the", "zz-no-such-thing", "japan", "lp", "a"}

// BenchmarkSearchEndpoint times GET /purchase/search through the whole
// handler chain (session, login check, search, JSON) against a real Redis
// Stack, beside the Reader's search alone, and reports the round trips to
// Redis per request. Profile it with -cpuprofile.
func BenchmarkSearchEndpoint(b *testing.B) {
	ctx := context.Background()
	rdb := redistest.New(b)
	if err := purchases.EnsureIndex(ctx, rdb); err != nil {
		b.Fatal(err)
	}
	if err := purchases.LoadScript(ctx, rdb); err != nil {
		b.Fatal(err)
	}
	saver := purchases.NewSaver(rdb, 30*24*time.Hour)
	start := time.Now().Add(-time.Hour)
	src := feed.NewSynthetic(feed.SyntheticOptions{Rate: 2, Seed: 1, Now: func() time.Time { return start }})
	pipe := rdb.Pipeline()
	for pipe.Len() < 5000 {
		sale, _ := src.Next(ctx)
		for _, it := range sale.Items {
			if _, err := saver.Queue(ctx, pipe, purchases.Normalize(it)); err != nil {
				b.Fatal(err)
			}
		}
	}
	if _, err := pipe.Exec(ctx); err != nil {
		b.Fatal(err)
	}

	trips := &redistest.RoundTrips{}
	rdb.AddHook(trips)
	svc, err := accounts.NewService(rdb, accounts.Options{Params: accounts.Params{MemoryKiB: 64, Passes: 1, Lanes: 1}})
	if err != nil {
		b.Fatal(err)
	}
	reader := purchases.NewReader(rdb)
	srv := httptest.NewServer(New(Deps{Purchases: reader, Accounts: svc, Sessions: accounts.NewSessionManager(rdb, false)}).Handler())
	b.Cleanup(srv.Close)
	resp, err := http.Post(srv.URL+"/account/register", "application/json", strings.NewReader(`{"username":"bench","password":"correct horse battery"}`))
	if err != nil || resp.StatusCode != http.StatusOK {
		b.Fatalf("register: %v %v", resp, err)
	}
	resp.Body.Close()
	cookie := resp.Header.Get("Set-Cookie")
	cookie = cookie[:strings.IndexByte(cookie, ';')]
	client := srv.Client()

	// The raw side replays the very commands the Reader sends for each
	// term, recorded on a second client, as beatsbench does.
	rec := redis.NewClient(rdb.Options())
	b.Cleanup(func() { _ = rec.Close() })
	recorded := &recorder{}
	rec.AddHook(recorded)
	raws := make([][][]any, len(searchBenchTerms))
	for i, term := range searchBenchTerms {
		if _, err := purchases.NewReader(rec).Search(ctx, term); err != nil {
			b.Fatal(err)
		}
		raws[i], recorded.cmds = recorded.cmds, nil
	}

	endpoint := func(term string) {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/purchase/search?term="+url.QueryEscape(term), nil)
		req.Header.Set("Cookie", cookie)
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("status %d", resp.StatusCode)
		}
	}
	raw := func(cmds [][]any) {
		for _, args := range cmds {
			if err := rec.Do(ctx, args...).Err(); err != nil {
				b.Fatal(err)
			}
		}
	}
	// Interleaved, as beatsbench does, so both sides see the same load.
	var ep, rw []time.Duration
	before := trips.Count()
	for i := 0; b.Loop(); i++ {
		t0 := time.Now()
		endpoint(searchBenchTerms[i%len(searchBenchTerms)])
		t1 := time.Now()
		raw(raws[i%len(raws)])
		ep, rw = append(ep, t1.Sub(t0)), append(rw, time.Since(t1))
	}
	b.ReportMetric(float64(trips.Count()-before)/float64(len(ep)), "trips/op")
	slices.Sort(ep)
	slices.Sort(rw)
	b.ReportMetric(float64(ep[len(ep)/2].Microseconds()), "endpoint-p50-µs")
	b.ReportMetric(float64(rw[len(rw)/2].Microseconds()), "raw-p50-µs")
	b.ReportMetric(float64(ep[len(ep)/2])/float64(rw[len(rw)/2]), "ratio-p50")
}

// recorder keeps the arguments of the commands its client sends.
type recorder struct{ cmds [][]any }

func (r *recorder) DialHook(next redis.DialHook) redis.DialHook { return next }
func (r *recorder) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		r.cmds = append(r.cmds, cmd.Args())
		return next(ctx, cmd)
	}
}
func (r *recorder) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}
