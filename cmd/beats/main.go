// Command beats is Beats By Redis: a live dashboard of Bandcamp sales on
// Redis Stack. main only wires; see internal/app.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/beatsbyredis/beats/internal/app"
	"github.com/beatsbyredis/beats/internal/config"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "beats:", err)
		}
		os.Exit(1)
	}
}

const usage = `usage:
  beats serve [--addr 127.0.0.1:8080] [--redis-url URL] [--data-dir DIR]
              [--feed auto|live|replay:FILE|synthetic[:PER_SECOND]] [--speed N]
              [--keep-times] [--retention D] ...   (beats serve -h lists all)
  beats record --out FILE [--duration D] [--feed-url URL]
`

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errors.New("no command given")
	}
	switch args[0] {
	case "serve":
		cfg, err := config.ParseServe(args[1:], getenv, stderr)
		if err != nil {
			return err
		}
		return app.Serve(ctx, cfg, app.NewLogger(cfg, stderr), nil)
	case "record":
		cfg, err := config.ParseRecord(args[1:], getenv, stderr)
		if err != nil {
			return err
		}
		return app.Record(ctx, cfg, slog.New(slog.NewTextHandler(stderr, nil)), stdout)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("unknown command %q", args[0])
	}
}
