package feed

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"reflect"
	"testing"
	"time"
)

// cancelAfter cancels a context once it has seen n lines written.
type cancelAfter struct {
	bytes.Buffer
	n      int
	cancel context.CancelFunc
}

func (w *cancelAfter) Write(p []byte) (int, error) {
	n, err := w.Buffer.Write(p)
	if w.n--; w.n == 0 {
		w.cancel()
	}
	return n, err
}

func TestRecordRoundTrip(t *testing.T) {
	_, srv := newFakeFeed(t, fault500, faultHTML) // failures are retried, never recorded
	live, _ := fastLive(srv)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	w := &cancelAfter{n: 8, cancel: cancel}
	n, err := Record(ctx, live, w, 0)
	if !errors.Is(err, context.Canceled) || n != 8 {
		t.Fatalf("Record = %d, %v; want 8 answers, then context.Canceled", n, err)
	}
	got := bytes.Split(bytes.TrimSuffix(w.Bytes(), []byte("\n")), []byte("\n"))
	for i, l := range recordedLines(t) {
		if bytes.HasPrefix(got[i], []byte(`{"feed_data"`)) {
			t.Errorf("line %d keeps the feed_data wrapper", i+1)
		}
		want, _ := DecodeAnswer(l)
		have, err := DecodeAnswer(got[i])
		if err != nil || !reflect.DeepEqual(have, want) {
			t.Errorf("line %d differs from the answer served (%v)", i+1, err)
		}
	}
	r, err := NewReplay(writeFile(t, w.Bytes()), ReplayOptions{Logger: discardLogger(), Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	if r.BadLines() != 0 {
		t.Errorf("the recording has %d bad lines", r.BadLines())
	}
	items := 0
	for _, s := range replayAll(t, r) {
		items += len(s.Items)
	}
	if items != recordedItems {
		t.Errorf("replayed recording has %d items, want %d", items, recordedItems)
	}
}

func TestRecordDuration(t *testing.T) {
	_, srv := newFakeFeed(t)
	live, _ := fastLive(srv, func(o *LiveOptions) { o.PollInterval = time.Hour })
	var buf bytes.Buffer
	bw := bufio.NewWriter(&buf)
	start := time.Now()
	n, err := Record(t.Context(), live, bw, 50*time.Millisecond)
	if err != nil || n != 1 {
		t.Fatalf("Record = %d, %v; want get_initial only, then nil when the duration is up", n, err)
	}
	if time.Since(start) > 5*time.Second {
		t.Error("Record outlived its duration")
	}
	if bytes.Count(buf.Bytes(), []byte("\n")) != 1 {
		t.Errorf("the buffered line was not flushed: %q", buf.String())
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, io.ErrShortWrite }

func TestRecordWriteError(t *testing.T) {
	_, srv := newFakeFeed(t)
	live, _ := fastLive(srv)
	n, err := Record(t.Context(), live, failWriter{}, 0)
	if n != 0 || !errors.Is(err, io.ErrShortWrite) {
		t.Errorf("Record = %d, %v; want the write error", n, err)
	}
}
