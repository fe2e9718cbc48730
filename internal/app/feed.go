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

// feedLeaseTTL is the feed lease's time to live; its holder renews it every
// quarter of that. After a holder is killed (kill -9, a lost machine) the
// feed stops for at most this long plus a waiting instance's half-second
// poll, so the feed resumes within 5 s on another instance or on the
// restarted one. A holder that cannot renew for two thirds of it stops its
// feed before the lease can expire, so two instances never run the feed at
// once; since a replay resumes from its stored position, losing the lease
// to a long Redis stall costs a few seconds, not a replay.
const feedLeaseTTL = 4 * time.Second

// runFeed keeps the feed running on exactly one instance: it opens the
// source (a replay reads its file while this instance waits for the lease,
// so a takeover does not wait for the file too), waits for the feed lease,
// and publishes the source's sales paced by --speed. A replay resumes after
// the last sale stored (its position is kept in Redis with each batch); one
// that ends keeps the lease while this instance lives. While it holds the
// lease it tells every instance how the feed fares (health).
func runFeed(ctx context.Context, cfg config.Serve, lease *ingest.Lease, pub *ingest.Publisher, health *ingest.Health, log *slog.Logger) error {
	publish := func(ctx context.Context, sales []feed.Sale) error {
		if err := pub.PublishMany(ctx, sales); err != nil {
			return err
		}
		health.Sold(sales)
		return nil
	}
	var src feed.Source
	for ctx.Err() == nil && src == nil {
		var err error
		src, err = feed.Open(ctx, feed.OpenSpec{
			Kind: cfg.FeedKind(), Arg: cfg.FeedArg(), BaseURL: cfg.FeedURL,
			KeepTimes: cfg.KeepTimes, Speed: cfg.Speed, Retention: cfg.Retention, Logger: log,
			Attempted: health.Attempted,
		})
		if errors.Is(err, feed.ErrNothingToReplay) {
			// Reading the file again would find nothing again, and a big
			// recording costs seconds of CPU to read: say it once.
			log.Error("feed: the replay has nothing to publish: this instance runs no feed until restarted", "err", err)
			return nil
		}
		if err != nil && ctx.Err() == nil {
			log.Error("feed: cannot open the source, retrying in 5 s", "err", err)
			_ = retry.Sleep(ctx, 5*time.Second)
		}
	}
	for ctx.Err() == nil {
		err := lease.Hold(ctx, log, func(ctx context.Context) error {
			go func() { _ = health.Publish(ctx) }()
			health.Started(src.Mode())
			if err := lease.SetMode(ctx, src.Mode()); err != nil {
				log.Warn("feed: advertise mode", "err", err)
			}
			left, err := pub.Resume(ctx, src)
			if err != nil {
				return err
			}
			if left >= 0 {
				log.Info("feed: running", "mode", src.Mode(), "speed", cfg.Speed, "sales_left", left)
			} else {
				log.Info("feed: running", "mode", src.Mode(), "speed", cfg.Speed)
			}
			if err := feed.RunBatched(ctx, src, feed.PaceOf(src, cfg.Speed), publish); err != nil {
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
