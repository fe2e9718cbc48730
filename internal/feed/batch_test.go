package feed

import (
	"context"
	"errors"
	"testing"
)

func TestRunBatchedPublishesEverySaleInOrderInBatches(t *testing.T) {
	replay, err := NewReplay("../../testdata/feed-2020-09-09.jsonl", ReplayOptions{KeepTimes: true})
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

func TestAppendReadyTakesWhatIsWaitingUpToMax(t *testing.T) {
	sale := func(n int) Sale { return Sale{UTCDate: float64(n)} }
	tests := []struct {
		name    string
		waiting int
		closed  bool
		max     int
		want    int // sales in the batch, the first included
	}{
		{"nothing waiting", 0, false, 5, 1},
		{"some waiting", 2, false, 5, 3},
		{"more waiting than max", 9, false, 5, 5},
		{"closed after two", 2, true, 5, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ch := make(chan Sale, 10)
			for i := range tt.waiting {
				ch <- sale(i + 1)
			}
			if tt.closed {
				close(ch)
			}
			got := AppendReady([]Sale{sale(0)}, ch, tt.max)
			if len(got) != tt.want {
				t.Fatalf("batch of %d, want %d", len(got), tt.want)
			}
			for i, s := range got {
				if s.UTCDate != float64(i) {
					t.Fatalf("batch %v out of order", got)
				}
			}
		})
	}
}
