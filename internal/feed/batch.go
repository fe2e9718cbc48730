package feed

import (
	"context"
	"fmt"
)

// maxBatch is the most sales RunBatched hands to one publish call.
const maxBatch = 32

// RunBatched is Run for a publisher that takes several sales at once. Sales
// that are due together (all of them at speed 0, or the minute of sales a
// live poll brings) go out in one call of up to maxBatch sales, so each
// round trip to Redis carries many; a due sale never waits for another.
func RunBatched(ctx context.Context, src Source, speed float64, publish func(context.Context, []Sale) error) error {
	parent := ctx
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	due := make(chan Sale, maxBatch)
	paced := make(chan error, 1)
	go func() {
		defer close(due)
		paced <- Run(ctx, src, speed, func(ctx context.Context, s Sale) error {
			select {
			case due <- s:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
	}()
	batch := make([]Sale, 0, maxBatch)
	for s := range due {
		batch = AppendReady(append(batch[:0], s), due, maxBatch)
		if err := publish(ctx, batch); err != nil {
			cancel()
			for range due { // let the pacing goroutine end
			}
			<-paced
			if parent.Err() != nil {
				return parent.Err()
			}
			return fmt.Errorf("feed: publish %d sales: %w", len(batch), err)
		}
	}
	return <-paced
}

// AppendReady appends to batch the sales ch already holds, without waiting,
// until batch has max sales or ch is empty or closed.
func AppendReady(batch []Sale, ch <-chan Sale, max int) []Sale {
	for len(batch) < max {
		select {
		case more, ok := <-ch:
			if !ok {
				return batch
			}
			batch = append(batch, more)
		default:
			return batch
		}
	}
	return batch
}
