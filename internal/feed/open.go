package feed

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"time"
)

// OpenSpec says which source to open; it mirrors the --feed flag.
type OpenSpec struct {
	Kind      string // "auto" (or ""), "live", "replay" or "synthetic"
	Arg       string // replay: the file; synthetic: checkouts a second (default 1)
	BaseURL   string // live API; default https://bandcamp.com
	KeepTimes bool   // replay: keep recorded times
	// Speed is the pace Run plays the source at (--speed). A replay
	// re-times its sales by it; the synthetic feed takes it as a factor of
	// its rate and is then played at speed 1 (see PaceOf), so that its
	// purchases are dated when they are made.
	Speed float64
	// Retention is how long the store keeps purchases (--retention).
	Retention time.Duration
	Logger    *slog.Logger
	Client    *http.Client
	Attempted func(err error) // live: see LiveOptions.Attempted
}

// probeTimeout bounds auto mode's look at the live API, so start-up never
// waits long on a network that is down.
const probeTimeout = 3 * time.Second

// Open returns the source spec names. auto probes the live API once and
// uses it if it answers, else a synthetic feed at one checkout a second.
func Open(ctx context.Context, spec OpenSpec) (Source, error) {
	log := spec.Logger
	if log == nil {
		log = slog.Default()
	}
	live := func() *Live {
		return NewLive(LiveOptions{BaseURL: spec.BaseURL, Client: spec.Client, Logger: log,
			ProbeTimeout: probeTimeout, Attempted: spec.Attempted})
	}
	switch spec.Kind {
	case "", "auto":
		l := live()
		if err := l.Probe(ctx); err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			log.Info("feed: using synthetic feed: live API unreachable: " + err.Error())
			return NewSynthetic(SyntheticOptions{Rate: 1, Seed: time.Now().UnixNano()}), nil
		}
		log.Info("feed: using live feed", "url", l.opts.BaseURL)
		return l, nil
	case "live":
		l := live()
		log.Info("feed: using live feed", "url", l.opts.BaseURL)
		return l, nil
	case "replay":
		if spec.Arg == "" {
			return nil, fmt.Errorf("feed: replay needs a file")
		}
		r, err := NewReplay(spec.Arg, ReplayOptions{KeepTimes: spec.KeepTimes, Speed: spec.Speed, Retention: spec.Retention, Logger: log})
		if err != nil {
			return nil, err
		}
		log.Info("feed: using replay feed", "file", spec.Arg, "keep_times", spec.KeepTimes)
		return r, nil
	case "synthetic":
		rate := 1.0
		if spec.Arg != "" {
			var err error
			if rate, err = strconv.ParseFloat(spec.Arg, 64); err != nil || !(rate > 0) || rate > 1e6 {
				return nil, fmt.Errorf("feed: synthetic rate %q: want a positive number of checkouts a second", spec.Arg)
			}
		}
		if spec.Speed > 0 {
			rate *= spec.Speed
		}
		log.Info("feed: using synthetic feed", "rate", rate)
		return NewSynthetic(SyntheticOptions{Rate: rate, Seed: time.Now().UnixNano()}), nil
	}
	return nil, fmt.Errorf("feed: unknown feed kind %q: want auto, live, replay or synthetic", spec.Kind)
}

// PaceOf is the speed to Run src at when --speed is speed: the synthetic
// feed has it in its rate already (Open), and dates each purchase when it
// is made, so it runs at 1; a faster pace would date it ahead of the clock.
func PaceOf(src Source, speed float64) float64 {
	if _, ok := src.(*Synthetic); ok {
		return 1
	}
	return speed
}
