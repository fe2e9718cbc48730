package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/beatsbyredis/beats/internal/config"
	"github.com/beatsbyredis/beats/internal/feed"
)

// Record writes the live feed's answers to a file, one JSON answer per line:
// exactly what --feed replay:FILE reads.
func Record(ctx context.Context, cfg config.Record, log *slog.Logger, stdout io.Writer) error {
	f, err := os.Create(cfg.Out)
	if err != nil {
		return fmt.Errorf("record: %w", err)
	}
	live := feed.NewLive(feed.LiveOptions{BaseURL: cfg.FeedURL, Logger: log})
	n, err := feed.Record(ctx, live, f, cfg.Duration)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil && !errors.Is(err, context.Canceled) {
		return fmt.Errorf("record: %w", err)
	}
	fmt.Fprintf(stdout, "recorded %d answers to %s\n", n, cfg.Out)
	return nil
}
