package feed

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"time"
)

// maxWait caps one wait between sales (at speed 1) so that a gap in a
// recording or a stall upstream does not freeze the dashboard.
const maxWait = 60 * time.Second

// Run reads sales from src and publishes each, spaced as their times are
// spaced, divided by speed (2 plays twice as fast; 0 does not wait at all).
// Sales are due at start + (time − first time)/speed, so waits do not add up
// drift; a wait longer than maxWait/speed is cut short, and a lag longer than
// that is forgiven, both by restarting the schedule at that sale.
// Run returns nil when src ends (io.EOF), ctx.Err() when ctx is done, and
// other errors of src or publish wrapped.
func Run(ctx context.Context, src Source, speed float64, publish func(context.Context, Sale) error) error {
	if math.IsNaN(speed) || math.IsInf(speed, 0) || speed < 0 {
		return fmt.Errorf("feed: speed %v: must be a finite number, zero or more", speed)
	}
	var limit float64 // seconds
	if speed > 0 {
		limit = maxWait.Seconds() / speed
	}
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	var (
		anchor time.Time // when the sale at base was due
		base   float64
		begun  bool
	)
	for {
		sale, err := src.Next(ctx)
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return fmt.Errorf("feed: read %s sale: %w", src.Mode(), err)
		}
		// A sale that carries only rejects (see Sale) is sent on at once:
		// its time may be none, and it must not move the schedule.
		if speed > 0 && len(sale.Items) > 0 {
			now := time.Now()
			if !begun {
				anchor, base, begun = now, sale.UTCDate, true
			}
			wait := (sale.UTCDate-base)/speed - now.Sub(anchor).Seconds()
			if wait > limit || wait < -limit {
				wait = min(max(wait, 0), limit)
				anchor, base = now.Add(seconds(wait)), sale.UTCDate
			}
			if wait > 0 {
				timer.Reset(seconds(wait))
				select {
				case <-ctx.Done():
					timer.Stop()
					return ctx.Err()
				case <-timer.C:
				}
			}
		}
		// A cancel that raced the timer must not publish one more sale.
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := publish(ctx, sale); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return fmt.Errorf("feed: publish sale at %.6f: %w", sale.UTCDate, err)
		}
	}
}

// seconds converts float seconds to a Duration; callers keep s within
// maxWait, far from overflow.
func seconds(s float64) time.Duration {
	return time.Duration(s * float64(time.Second))
}
