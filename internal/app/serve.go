// Package app wires the packages into the commands of the beats binary.
package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/beatsbyredis/beats/internal/accounts"
	"github.com/beatsbyredis/beats/internal/analytics"
	"github.com/beatsbyredis/beats/internal/config"
	"github.com/beatsbyredis/beats/internal/feed"
	"github.com/beatsbyredis/beats/internal/httpapi"
	"github.com/beatsbyredis/beats/internal/ingest"
	"github.com/beatsbyredis/beats/internal/purchases"
	"github.com/beatsbyredis/beats/internal/realtime"
	"github.com/beatsbyredis/beats/internal/watchlist"
	"github.com/beatsbyredis/beats/internal/webui"
)

// Serve runs the app until ctx ends, then shuts down gracefully: it stops
// taking requests, closes WebSockets with 1001, lets requests in flight
// finish, stops the feed and the consumer (which finishes its batch), and
// stops the embedded Redis last. ready, if not nil, receives the address
// the server listens on.
func Serve(ctx context.Context, cfg config.Serve, log *slog.Logger, ready func(addr string)) error {
	RouteRedisLogs(log)
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("app: listen %s: %w", cfg.Addr, err)
	}
	defer ln.Close()
	rdb, closeRedis, err := openRedis(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer closeRedis()
	if err := prepareRedis(ctx, rdb, cfg); err != nil {
		return err
	}
	acc, err := accounts.NewService(rdb, accounts.Options{Logger: log, RememberFor: cfg.RememberFor})
	if err != nil {
		return fmt.Errorf("app: accounts: %w", err)
	}
	if err := acc.Prepare(ctx); err != nil {
		return fmt.Errorf("app: accounts: %w", err)
	}

	// Background work stops when work is cancelled; Serve waits for it
	// before Redis is closed (defers run last in, first out).
	work, stopWork := context.WithCancel(context.WithoutCancel(ctx))
	var wg sync.WaitGroup
	defer wg.Wait()
	defer stopWork()
	background := func(name string, fn func(context.Context) error) {
		wg.Go(func() {
			if err := fn(work); err != nil && !errors.Is(err, context.Canceled) {
				log.Error("background task stopped", "task", name, "err", err)
			}
		})
	}

	// Documents stored under older folding rules are rewritten once.
	background("refold", func(ctx context.Context) error { return purchases.Refold(ctx, rdb, log) })

	instance := instanceID()
	metrics := newMetrics()
	// An instance that serves many sockets may leave storing to others
	// (--consumers 0): its writers then never hold up the pipeline.
	// Each new purchase is matched against the users' watched terms, and
	// its matches written with it (internal/watchlist).
	saver := purchases.NewSaver(rdb, cfg.Retention).WithMatcher(watchlist.NewMatcher(rdb, cfg.Retention))
	for i := range cfg.Consumers {
		processor := ingest.NewProcessor(rdb, saver, ingest.ProcessorOptions{
			Consumer: fmt.Sprintf("%s-%d", instance, i), Logger: log,
			Stored: func(n int) { metrics.stored.Add(float64(n)) },
		})
		background("processor", processor.Run)
	}
	lease := ingest.NewLease(rdb, instance, feedLeaseTTL)
	background("feed", func(ctx context.Context) error {
		return runFeed(ctx, cfg, lease, ingest.NewPublisher(rdb), ingest.NewHealth(rdb, nil), log)
	})

	// Sockets close when their login ends, on whichever instance it ends.
	logins := accounts.NewLoginWatch(rdb, log)
	background("logins", logins.Run)

	reader := purchases.NewReader(rdb)
	ranges := analytics.New(rdb, analytics.Options{Retention: cfg.Retention})
	warnUncounted(ctx, rdb, cfg.Retention, log)
	status := feedStatus(rdb)
	alerts := watchlist.NewDeliverer(rdb, log)
	live := realtime.New(realtime.Options{
		Redis:          rdb,
		Snapshots:      reader,
		Feed:           status,
		Logger:         log,
		TrustedOrigins: cfg.Origins,
		// A few tabs per user, not thousands of sockets per account.
		Owner: func(r *http.Request) string {
			u, _ := accounts.UserFrom(r.Context())
			return u.ID
		},
		MaxPerOwner: cfg.SocketsPerUser,
		Watch:       logins.Watch,
		HTTPS:       cfg.SecureCookies,
		Presence:    alerts, // knows whose sockets are here, to send their alerts
	})
	background("realtime", live.Run)
	background("watchlist alerts", func(ctx context.Context) error { return alerts.Run(ctx, live) })
	metrics.watchLive(live)
	metrics.watchAlerts(alerts)

	api := httpapi.New(httpapi.Deps{
		Logger:         log,
		Purchases:      reader,
		Analytics:      ranges,
		Live:           live.Handler(),
		Ready:          readiness(rdb),
		Feed:           status,
		Web:            http.FS(webui.FS()),
		Accounts:       acc,
		Sessions:       accounts.NewSessionManager(rdb, cfg.SecureCookies),
		Origins:        cfg.Origins,
		TrustedProxies: cfg.TrustedProxies,
		HTTPS:          cfg.SecureCookies,
		Watchlist:      watchlist.New(rdb, cfg.Retention),
	})
	srv := &http.Server{
		Handler:           api.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		// Requests are not cancelled by the shutdown signal: Shutdown lets
		// the ones in flight finish.
		BaseContext: func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	if cfg.MetricsAddr != "" {
		maddr, stopMetrics, err := metrics.serve(cfg.MetricsAddr, log)
		if err != nil {
			return err
		}
		defer stopMetrics(context.WithoutCancel(ctx))
		log.Info("metrics listening", "addr", "http://"+maddr+"/metrics")
	}
	addr := ln.Addr().String()
	log.Info("listening", "addr", "http://"+addr, "instance", instance)
	if ready != nil {
		ready(addr)
	}

	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	select {
	case <-ctx.Done():
	case err := <-serveErr:
		return fmt.Errorf("app: serve: %w", err)
	}
	log.Info("shutting down")
	shutdownCtx, done := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer done()
	// Hijacked WebSocket connections are not tracked by Shutdown: close
	// them first, with 1001 (going away), so browsers reconnect elsewhere.
	if err := live.Shutdown(shutdownCtx); err != nil {
		log.Warn("websocket shutdown", "err", err)
	}
	if err := srv.Shutdown(shutdownCtx); err != nil {
		log.Warn("http shutdown", "err", err)
	}
	return nil
}

// prepareRedis creates what the app needs in Redis, tolerating other
// instances doing the same at the same time.
func prepareRedis(ctx context.Context, rdb *redis.Client, cfg config.Serve) error {
	if err := purchases.EnsureIndex(ctx, rdb); err != nil {
		return err
	}
	// The consumer group and the save script are the processor's to set up.
	return purchases.EnsureSeries(ctx, rdb, cfg.Retention.Milliseconds())
}

// warnUncounted says when purchases were stored before this version kept
// the range counters: the whole hours and days of a range miss them until
// they expire (its partial hours, read from the documents, do not).
func warnUncounted(ctx context.Context, rdb *redis.Client, retention time.Duration, log *slog.Logger) {
	n, err := analytics.Uncounted(ctx, rdb)
	if err != nil {
		log.Warn("checking the range counters", "err", err)
	} else if n > 0 {
		log.Warn("purchases stored before the range counters existed are missing from the counts of whole hours and days until they expire",
			"purchases", n, "retention", retention.String())
	}
}

// readiness: Redis answers, the index exists, and some instance runs the feed.
func readiness(rdb *redis.Client) func(context.Context) error {
	return func(ctx context.Context) error {
		if err := rdb.Do(ctx, "FT.INFO", purchases.IndexAlias).Err(); err != nil {
			return fmt.Errorf("index %s: %w", purchases.IndexAlias, err)
		}
		_, _, err := ingest.Holder(ctx, rdb)
		return err
	}
}

// feedStatus reads the feed's mode and health, whichever instance runs it.
func feedStatus(rdb *redis.Client) func(context.Context) (feed.Status, error) {
	return func(ctx context.Context) (feed.Status, error) {
		return ingest.ReadStatus(ctx, rdb, time.Now())
	}
}

// instanceID names this process in the consumer group and the feed lease.
func instanceID() string {
	host, _ := os.Hostname()
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b))
}
