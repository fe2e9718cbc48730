package app

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/beatsbyredis/beats/internal/config"
	"github.com/beatsbyredis/beats/internal/feed"
	"github.com/beatsbyredis/beats/internal/ingest"
	"github.com/beatsbyredis/beats/internal/retry"
)

// runFeed keeps the feed running on exactly one instance: it waits for the
// feed lease, opens the source, and publishes its sales paced by --speed.
// A finite source (a replay) that ends keeps the lease while this instance
// lives; if it stops, the next holder plays the file again, which stores
// nothing new (purchase ids come from the recorded data). While it holds the
// lease it tells every instance how the feed fares (health).
func runFeed(ctx context.Context, cfg config.Serve, lease *ingest.Lease, pub *ingest.Publisher, health *ingest.Health, log *slog.Logger) error {
	publish := func(ctx context.Context, sales []feed.Sale) error {
		if err := pub.PublishMany(ctx, sales); err != nil {
			return err
		}
		health.Sold(sales)
		return nil
	}
	for ctx.Err() == nil {
		err := lease.Hold(ctx, log, func(ctx context.Context) error {
			go func() { _ = health.Publish(ctx) }()
			src, err := feed.Open(ctx, feed.OpenSpec{
				Kind: cfg.FeedKind(), Arg: cfg.FeedArg(), BaseURL: cfg.FeedURL,
				KeepTimes: cfg.KeepTimes, Logger: log, Attempted: health.Attempted,
			})
			if err != nil {
				return err
			}
			health.Started(src.Mode())
			if err := lease.SetMode(ctx, src.Mode()); err != nil {
				log.Warn("feed: advertise mode", "err", err)
			}
			log.Info("feed: running", "mode", src.Mode(), "speed", cfg.Speed)
			if err := feed.RunBatched(ctx, src, cfg.Speed, publish); err != nil {
				return err
			}
			log.Info("feed: source finished", "mode", src.Mode())
			<-ctx.Done()
			return nil
		})
		if err != nil && !errors.Is(err, context.Canceled) {
			log.Error("feed: stopped, retrying in 5 s", "err", err)
			_ = retry.Sleep(ctx, 5*time.Second)
		}
	}
	return nil
}
