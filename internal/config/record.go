package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"time"
)

// Record is the configuration of `beats record`.
type Record struct {
	Out      string        // file to write, one feed answer a line
	Duration time.Duration // 0 records until interrupted
	FeedURL  string        // base URL of the live Bandcamp API
}

// ParseRecord reads `beats record` flags, with defaults from the environment.
func ParseRecord(args []string, getenv func(string) string, stderr io.Writer) (Record, error) {
	feedURL := getenv("BEATS_FEED_URL")
	if feedURL == "" {
		feedURL = "https://bandcamp.com"
	}
	var c Record
	fs := flag.NewFlagSet("beats record", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.Out, "out", "", "file to write (required)")
	fs.DurationVar(&c.Duration, "duration", 0, "how long to record; 0 records until interrupted")
	fs.StringVar(&c.FeedURL, "feed-url", feedURL, "base URL of the Bandcamp API (env BEATS_FEED_URL)")
	if err := fs.Parse(args); err != nil {
		return Record{}, err
	}
	if fs.NArg() > 0 {
		return Record{}, fmt.Errorf("config: unexpected arguments %q", fs.Args())
	}
	var errs []error
	if c.Out == "" {
		errs = append(errs, errors.New("--out FILE is required"))
	}
	if c.Duration < 0 {
		errs = append(errs, errors.New("--duration must be 0 or more"))
	}
	if u, err := url.Parse(c.FeedURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, fmt.Errorf("--feed-url %q: want http(s)://host", c.FeedURL))
	}
	if len(errs) > 0 {
		return Record{}, fmt.Errorf("config: %w", errors.Join(errs...))
	}
	return c, nil
}
