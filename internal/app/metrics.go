package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/beatsbyredis/beats/internal/realtime"
	"github.com/beatsbyredis/beats/internal/watchlist"
)

// metrics are this process's Prometheus metrics, on a registry of its own
// (no global state, so tests can run several instances in one process).
type metrics struct {
	registry *prometheus.Registry
	stored   prometheus.Counter
}

func newMetrics() *metrics {
	m := &metrics{
		registry: prometheus.NewRegistry(),
		stored: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "beats_purchases_stored_total", Help: "Purchases this instance stored (new documents).",
		}),
	}
	m.registry.MustRegister(m.stored, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// watchLive exports the WebSocket side's counters.
func (m *metrics) watchLive(live *realtime.Live) {
	gauge := func(name, help string, read func(realtime.Stats) float64) prometheus.Collector {
		return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, func() float64 { return read(live.Stats()) })
	}
	counter := func(name, help string, read func(realtime.Stats) float64) prometheus.Collector {
		return prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help}, func() float64 { return read(live.Stats()) })
	}
	m.registry.MustRegister(
		gauge("beats_ws_clients", "WebSocket clients connected now.", func(s realtime.Stats) float64 { return float64(s.Clients) }),
		counter("beats_ws_accepted_total", "WebSocket connections accepted.", func(s realtime.Stats) float64 { return float64(s.Accepted) }),
		counter("beats_ws_refused_total", "WebSocket handshakes refused.", func(s realtime.Stats) float64 { return float64(s.Refused) }),
		counter("beats_ws_slow_consumers_total", "Clients dropped because they fell behind.", func(s realtime.Stats) float64 { return float64(s.SlowConsumers) }),
		counter("beats_ws_broadcasts_total", "Messages broadcast to every client (purchase batches and snapshots); each is one write per socket.", func(s realtime.Stats) float64 { return float64(s.Broadcasts) }),
		counter("beats_ws_purchases_relayed_total", "Purchases relayed from purchases:live.", func(s realtime.Stats) float64 { return float64(s.Purchases) }),
		counter("beats_redis_errors_total", "Failed Redis calls of the live side (each retried).", func(s realtime.Stats) float64 { return float64(s.RedisErrors) }),
	)
}

// serve answers GET /metrics on addr, a listener of its own (--metrics-addr)
// that only operators reach: the public one answers 404 there, since the
// counters tell outsiders about the instance. It returns the address it
// listens on and a function that shuts it down.
func (m *metrics) serve(addr string, log *slog.Logger) (string, func(context.Context), error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", nil, fmt.Errorf("app: metrics: listen %s: %w", addr, err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{}))
	srv := &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 10 * time.Second,
		WriteTimeout:      30 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("metrics server stopped", "err", err)
		}
	}()
	shutdown := func(ctx context.Context) {
		if err := srv.Shutdown(ctx); err != nil {
			log.Warn("metrics shutdown", "err", err)
		}
	}
	return ln.Addr().String(), shutdown, nil
}

// watchAlerts exports the watchlist's live side.
func (m *metrics) watchAlerts(d *watchlist.Deliverer) {
	m.registry.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
		Name: "beats_watch_alerts_sent_total", Help: "Watchlist matches sent to this instance's sockets, one per user and term.",
	}, func() float64 { return float64(d.Sent()) }))
}
