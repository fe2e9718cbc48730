package feed

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"
)

// Record polls live and writes each answer it gets as one line: the bare
// answer object in compact JSON, without get_initial's feed_data wrapper,
// which is exactly what NewReplay reads. It stops with a nil error when
// duration has elapsed; with duration 0 it runs until ctx is done, and then,
// like every early stop, returns ctx.Err(). answers counts the lines written.
func Record(ctx context.Context, live *Live, w io.Writer, duration time.Duration) (answers int, err error) {
	parent := ctx
	if duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, duration)
		defer cancel()
	}
	// Recorders get killed; flush each line if w buffers, so at most the
	// line being written is lost.
	flusher, _ := w.(interface{ Flush() error })
	for {
		raw, err := live.NextRaw(ctx)
		if err != nil {
			if parent.Err() == nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
				return answers, nil
			}
			if ctx.Err() != nil {
				return answers, ctx.Err()
			}
			return answers, fmt.Errorf("feed: record: %w", err)
		}
		line := make([]byte, 0, len(raw)+1)
		line = append(append(line, raw...), '\n')
		if _, err := w.Write(line); err != nil {
			return answers, fmt.Errorf("feed: record: write answer: %w", err)
		}
		if flusher != nil {
			if err := flusher.Flush(); err != nil {
				return answers, fmt.Errorf("feed: record: flush: %w", err)
			}
		}
		answers++
	}
}
