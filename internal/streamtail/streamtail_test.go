package streamtail_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/beatsbyredis/beats/internal/redistest"
	"github.com/beatsbyredis/beats/internal/streamtail"
	"github.com/beatsbyredis/beats/internal/testwait"
)

func add(t *testing.T, rdb *redis.Client, stream string, n int) []string {
	t.Helper()
	var ids []string
	for i := range n {
		id, err := rdb.XAdd(context.Background(), &redis.XAddArgs{Stream: stream, Values: []any{"n", i}}).Result()
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	return ids
}

func idsOf(msgs []redis.XMessage) []string {
	ids := make([]string, len(msgs))
	for i, m := range msgs {
		ids[i] = m.ID
	}
	return ids
}

// TestReaderStartsAtTheNewestAndReadsEachEntryOnce: what the stream held
// before Start is not read; what comes after is read in order, in chunks
// of count, each entry once; a read with nothing new waits and returns none.
func TestReaderStartsAtTheNewestAndReadsEachEntryOnce(t *testing.T) {
	ctx := context.Background()
	rdb := redistest.New(t)
	add(t, rdb, "s", 3)
	r := streamtail.New(rdb, "s", 2, 20*time.Millisecond)
	if r.Started() {
		t.Fatal("started before Start")
	}
	if err := r.Start(ctx); err != nil || !r.Started() {
		t.Fatalf("Start = %v, started %v", err, r.Started())
	}
	if msgs, err := r.Read(ctx); err != nil || len(msgs) != 0 {
		t.Fatalf("Read with nothing new = %v, %v; want none", idsOf(msgs), err)
	}
	want := add(t, rdb, "s", 5)
	var got []string
	for range 3 {
		msgs, err := r.Read(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(msgs) > 2 {
			t.Fatalf("a read returned %d entries, more than its count of 2", len(msgs))
		}
		got = append(got, idsOf(msgs)...)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("read %v, want %v", got, want)
	}
}

// TestReaderResumesAfterAFailedRead: a read that fails (here, its context
// ended) loses nothing; the next one returns what came meanwhile.
func TestReaderResumesAfterAFailedRead(t *testing.T) {
	rdb := redistest.New(t)
	r := streamtail.New(rdb, "s", 100, 20*time.Millisecond)
	if msgs, err := r.Read(context.Background()); err != nil || len(msgs) != 0 || !r.Started() {
		t.Fatalf("first Read on an empty stream = %v, %v, started %v", idsOf(msgs), err, r.Started())
	}
	want := add(t, rdb, "s", 2)
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := r.Read(cancelled); err == nil {
		t.Fatal("a read with an ended context did not fail")
	}
	want = append(want, add(t, rdb, "s", 2)...)
	msgs, err := r.Read(context.Background())
	if err != nil || !slices.Equal(idsOf(msgs), want) {
		t.Fatalf("Read after the failure = %v, %v; want %v", idsOf(msgs), err, want)
	}
}

// TestRunRetriesAndHandsOnEveryEntry: Run reports a failing stream (here
// a key of another type) and keeps trying; once the stream is there it
// says it started, then hands on each entry added after that, in order.
func TestRunRetriesAndHandsOnEveryEntry(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	rdb := redistest.New(t)
	if err := rdb.Set(ctx, "s", "not a stream", 0).Err(); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var got []string
	failures, starts := 0, 0
	started := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		streamtail.New(rdb, "s", 2, 20*time.Millisecond).Run(ctx, streamtail.Loop{
			Started: func() {
				mu.Lock()
				defer mu.Unlock()
				if starts++; starts == 1 {
					close(started)
				}
			},
			Entries: func(_ context.Context, msgs []redis.XMessage) {
				mu.Lock()
				defer mu.Unlock()
				got = append(got, idsOf(msgs)...)
			},
			Failed: func(context.Context, error) {
				mu.Lock()
				defer mu.Unlock()
				failures++
			},
		})
	}()
	defer func() {
		cancel()
		<-done
	}()
	testwait.Until(t, 5*time.Second, "Run to report the key of another type", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return failures > 0
	})
	if err := rdb.Del(ctx, "s").Err(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-started:
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not start once the key was gone")
	}
	want := add(t, rdb, "s", 5)
	testwait.Until(t, 5*time.Second, "every entry handed on", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(got) >= len(want)
	})
	mu.Lock()
	defer mu.Unlock()
	if !slices.Equal(got, want) || starts != 1 {
		t.Fatalf("handed on %v, started %d times; want %v, once", got, starts, want)
	}
}
