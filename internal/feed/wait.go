package feed

import (
	"context"
	"time"
)

// sleepCtx waits for d or until ctx is done, whichever comes first; unlike
// time.Sleep it lets a cancelled caller go at once.
func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
