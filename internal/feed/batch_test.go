package feed

import (
	"context"
	"errors"
	"testing"
)

func TestRunBatchedPublishesEverySaleInOrderInBatches(t *testing.T) {
	replay, err := NewReplay("../../../shared/data/feed-2020-09-09.jsonl", ReplayOptions{KeepTimes: true})
	if err != nil {
		t.Fatal(err)
	}
	var sales, items, calls, biggest int
	last := 0.0
	err = RunBatched(context.Background(), replay, 0, func(_ context.Context, batch []Sale) error {
		calls++
		biggest = max(biggest, len(batch))
		for _, s := range batch {
			if s.UTCDate < last {
				t.Fatalf("sale at %v published after one at %v", s.UTCDate, last)
			}
			last = s.UTCDate
			sales++
			items += len(s.Items)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if sales != 230 || items != 264 {
		t.Fatalf("published %d sales with %d items, want 230 and 264", sales, items)
	}
	if biggest < 2 || biggest > maxBatch {
		t.Fatalf("largest batch %d, want between 2 and %d (at speed 0 every sale is due)", biggest, maxBatch)
	}
}

func TestRunBatchedStopsOnPublishError(t *testing.T) {
	boom := errors.New("boom")
	src := NewSynthetic(SyntheticOptions{Rate: 100, Seed: 1})
	calls := 0
	err := RunBatched(context.Background(), src, 0, func(context.Context, []Sale) error {
		if calls++; calls == 3 {
			return boom
		}
		return nil
	})
	if !errors.Is(err, boom) || calls != 3 {
		t.Fatalf("RunBatched = %v after %d calls, want boom after 3", err, calls)
	}
}

func TestRunBatchedStopsOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	src := NewSynthetic(SyntheticOptions{Rate: 100, Seed: 1})
	calls := 0
	err := RunBatched(ctx, src, 0, func(context.Context, []Sale) error {
		if calls++; calls == 5 {
			cancel()
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("RunBatched after cancel = %v, want context.Canceled", err)
	}
}
