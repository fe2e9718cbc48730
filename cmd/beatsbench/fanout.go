package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/beatsbyredis/beats/internal/feed"
	"github.com/beatsbyredis/beats/internal/ingest"
)

// fanoutRoles serves the sockets from an instance with --consumers 0 and
// stores the purchases in a second instance (beatsbench --fanout-roles).
var fanoutRoles bool

type fanoutRun struct {
	Roles          bool          `json:"roles"` // sockets and storing on two instances
	Clients        int           `json:"clients"`
	Rate           float64       `json:"rate"`
	Duration       time.Duration `json:"duration_ns"`
	Sent           int           `json:"sent"`
	P50, P99, Max  time.Duration `json:"-"`
	RSSBeforeKB    int64         `json:"rss_before_kb"`
	RSSConnectedKB int64         `json:"rss_connected_kb"`
	RSSPeakKB      int64         `json:"rss_peak_kb"`
	PerConnKB      float64       `json:"rss_per_connection_kb"`
	ServerCPU      float64       `json:"server_cpu_cores"` // CPU seconds per second while sending
	ServerCPUTotal time.Duration `json:"server_cpu_ns"`    // CPU time while sending and draining
	ClientCPU      float64       `json:"client_cpu_cores"`
	RedisCPU       float64       `json:"redis_cpu_cores"`
	Drain          time.Duration `json:"drain_ns"`   // from the last XADD until the clients had everything (or stalled)
	Broadcasts     float64       `json:"broadcasts"` // messages the server broadcast meanwhile (each one write per socket)
	Result         clientResult  `json:"result"`
}

// runFanout starts `beats serve` on a fresh Redis, logs in once, opens the
// sockets from a separate `beatsbench fanout-client` process, then XADDs
// purchases (with the app's Publisher) at rate for dur, each carrying its
// send time, and collects the clients' latencies and losses.
func runFanout(ctx context.Context, bin, tmp string, clients int, dur time.Duration, rate float64) (fanoutRun, error) {
	run := fanoutRun{Clients: clients, Rate: rate, Duration: dur, Roles: fanoutRoles}
	st, err := startStack(ctx)
	if err != nil {
		return run, err
	}
	defer st.close()
	args := []string{"--redis-url", st.srv.URL(), "--feed", "synthetic:1", "--log-level", "warn",
		// Every socket of the load reuses one login.
		"--sockets-per-user", strconv.Itoa(clients + 10)}
	if fanoutRoles {
		args = append(args, "--consumers", "0")
		store, _, err := startBeats(ctx, bin, filepath.Join(tmp, "fanout-store.log"),
			"--redis-url", st.srv.URL(), "--feed", "synthetic:1", "--log-level", "warn")
		if err != nil {
			return run, err
		}
		defer store.stop()
	}
	srv, _, err := startBeats(ctx, bin, filepath.Join(tmp, "fanout-serve.log"), args...)
	if err != nil {
		return run, err
	}
	defer srv.stop()
	if err := srv.register(ctx); err != nil {
		return run, err
	}
	time.Sleep(2 * time.Second)
	run.RSSBeforeKB = srv.rssKB()

	total := int(rate * dur.Seconds())
	load, err := startLoad(ctx, strings.TrimPrefix(srv.base, "http://"), srv.base, srv.cookie, clients, total)
	if err != nil {
		return run, err
	}
	defer load.kill()
	connected := load.Connected
	logf("fan-out: %d sockets open, %d failed", connected, load.Failed)
	time.Sleep(3 * time.Second)
	run.RSSConnectedKB = srv.rssKB()
	run.PerConnKB = float64(run.RSSConnectedKB-run.RSSBeforeKB) / float64(max(connected, 1))

	var peak atomic.Int64
	peak.Store(run.RSSConnectedKB)
	stopRSS := make(chan struct{})
	go func() {
		for {
			select {
			case <-stopRSS:
				return
			case <-time.After(500 * time.Millisecond):
				if kb := srv.rssKB(); kb > peak.Load() {
					peak.Store(kb)
				}
			}
		}
	}()
	pidF, _ := info(ctx, st.rdb, "server", "process_id")
	redisPID := int(pidF)
	cpu0 := [3]time.Duration{cpuTime(srv.pid()), cpuTime(load.pid()), cpuTime(redisPID)}
	broadcasts0 := srv.metric(ctx, "beats_ws_broadcasts_total")
	pub := ingest.NewPublisher(st.rdb)
	prog := startProgress(fmt.Sprintf("fan-out: purchases sent to %d clients", connected), int64(total))
	interval := time.Duration(float64(time.Second) / rate)
	start := time.Now()
	for i := range total {
		time.Sleep(time.Until(start.Add(time.Duration(i) * interval)))
		now := time.Now()
		it := benchItem(i, now)
		if err := pub.Publish(ctx, feed.Sale{UTCDate: it.UTCDate, Items: []feed.Item{it}}); err != nil {
			return run, err
		}
		prog.add(1)
	}
	sending := time.Since(start)
	prog.end()
	logf("fan-out: waiting until every open client has every purchase (or nothing arrives for 5 s)")
	run.Drain = load.drain(total)
	cpu1 := [3]time.Duration{cpuTime(srv.pid()), cpuTime(load.pid()), cpuTime(redisPID)}
	if b1 := srv.metric(ctx, "beats_ws_broadcasts_total"); b1 >= 0 && broadcasts0 >= 0 {
		run.Broadcasts = b1 - broadcasts0
	}
	close(stopRSS)
	run.RSSPeakKB = peak.Load()
	el := (sending + run.Drain).Seconds()
	run.ServerCPU = (cpu1[0] - cpu0[0]).Seconds() / el
	run.ServerCPUTotal = cpu1[0] - cpu0[0]
	run.ClientCPU = (cpu1[1] - cpu0[1]).Seconds() / el
	run.RedisCPU = (cpu1[2] - cpu0[2]).Seconds() / el
	run.Sent = total
	if run.Result, err = load.stop(total); err != nil {
		return run, err
	}
	run.P50, run.P99, run.Max = run.Result.Latency.summary()
	return run, nil
}

// benchItem is a realistic purchase whose description carries its sequence
// number and send time; its album title differs so the marker is once per
// purchase in a message.
func benchItem(seq int, now time.Time) feed.Item {
	t := float64(now.UnixMicro()) / 1e6
	url := fmt.Sprintf("https://beatsbench.bandcamp.com/track/load-%d-%d", seq, now.UnixNano())
	album, slug, art := "Benchmark Sessions", "t", "https://f4.bcbits.com/img/a0123456789_7.jpg"
	id := int64(123456789)
	return feed.Item{
		ID: feed.PurchaseID(t, url), UTCDate: t, ArtistName: "Beats Bench Ensemble", ItemType: "t",
		ItemDescription: fmt.Sprintf("bbseq_%d_%d", seq, now.UnixNano()), AlbumTitle: &album, SlugType: &slug,
		Currency: "USD", AmountPaid: 1, ItemPrice: 1, AmountPaidUSD: 1, Country: "United States", CountryCode: "us",
		ArtID: &id, URL: url, AmountPaidFmt: "$1", ArtURL: art,
	}
}
