package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/beatsbyredis/beats/internal/feed"
)

// Record writes the live feed's answers to a file, one JSON answer per line:
// exactly what --feed replay:FILE reads.
func Record(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("beats record", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "", "file to write (required)")
	duration := fs.Duration("duration", 0, "how long to record; 0 records until interrupted")
	base := getenv("BEATS_FEED_URL")
	if base == "" {
		base = "https://bandcamp.com"
	}
	feedURL := fs.String("feed-url", base, "base URL of the Bandcamp API (env BEATS_FEED_URL)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" {
		return errors.New("record: --out FILE is required")
	}
	if *duration < 0 {
		return errors.New("record: --duration must be 0 or more")
	}
	f, err := os.Create(*out)
	if err != nil {
		return fmt.Errorf("record: %w", err)
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	live := feed.NewLive(feed.LiveOptions{BaseURL: *feedURL, Logger: log})
	n, err := feed.Record(ctx, live, f, *duration)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil && !errors.Is(err, context.Canceled) {
		return fmt.Errorf("record: %w", err)
	}
	fmt.Fprintf(stdout, "recorded %d answers to %s\n", n, *out)
	return nil
}
