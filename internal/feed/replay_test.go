package feed

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// writeFile writes a test recording; its name never says gzip, as the
// replay must tell by content.
func writeFile(t *testing.T, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "answers.jsonl")
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func gzipped(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func replayAll(t *testing.T, r *Replay) []Sale {
	t.Helper()
	var sales []Sale
	for {
		s, err := r.Next(t.Context())
		if errors.Is(err, io.EOF) {
			return sales
		}
		if err != nil {
			t.Fatal(err)
		}
		sales = append(sales, s)
	}
}

func fixedNow() time.Time { return time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC) }

func TestReplayRecordedFile(t *testing.T) {
	lines := recordedLines(t)
	plain := append(bytes.Join(lines, []byte("\n")), '\n')
	var wrapped [][]byte
	for _, l := range lines {
		wrapped = append(wrapped, append(append([]byte(`{"feed_data": `), l...), '}'))
	}
	damaged := bytes.Join([][]byte{
		lines[0], lines[1], []byte("not json at all"), lines[2], lines[3],
		[]byte("<html><body>502</body></html>"), lines[3], // a window recorded twice
		lines[4], lines[5], lines[6], {}, lines[7], lines[5][:len(lines[5])/2], // cut off mid-write
	}, []byte("\n"))
	cases := []struct {
		name      string
		file      []byte
		keepTimes bool
		bad       int
	}{
		{name: "re-timed", file: plain},
		{name: "kept times", file: plain, keepTimes: true},
		{name: "gzip", file: gzipped(t, plain), keepTimes: true},
		{name: "get_initial shape", file: bytes.Join(wrapped, []byte("\n"))},
		{name: "bad lines, a repeat and a truncated tail", file: damaged, bad: 3},
		{name: "CRLF endings, gzip", file: gzipped(t, bytes.ReplaceAll(plain, []byte("\n"), []byte("\r\n")))},
	}
	ref, err := NewReplay(dataPath(t, recordedFile), ReplayOptions{KeepTimes: true, Logger: discardLogger()})
	if err != nil {
		t.Fatal(err)
	}
	recorded := replayAll(t, ref)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			log, logs := testLogger()
			r, err := NewReplay(writeFile(t, c.file), ReplayOptions{KeepTimes: c.keepTimes, Speed: 1, Now: fixedNow, Logger: log})
			if err != nil {
				t.Fatal(err)
			}
			if r.Mode() != "replay" || r.BadLines() != c.bad {
				t.Errorf("mode %q, %d bad lines; want replay, %d", r.Mode(), r.BadLines(), c.bad)
			}
			if n := logs.count("level=WARN msg=\"feed: replay: skipping a bad line\""); n != c.bad {
				t.Errorf("%d warnings, want one per bad line:\n%s", n, logs)
			}
			sales := replayAll(t, r)
			checkReplay(t, sales, recorded, c.keepTimes)
		})
	}
}

// checkReplay compares a replay with the recording: 264 unique items in
// 230 sales, ids from recorded times, and times either kept or, played at
// speed 1, all moved by one offset that dates the first sale (its last item)
// at fixedNow, each sale at its last item.
func checkReplay(t *testing.T, got, recorded []Sale, keepTimes bool) {
	t.Helper()
	if len(got) != recordedSales {
		t.Fatalf("%d sales, want %d", len(got), recordedSales)
	}
	offset := 0.0
	at := func(s Sale) float64 { return s.UTCDate }
	if !keepTimes {
		offset = unixSeconds(fixedNow()) - latest(recorded[0])
		at = latest
	}
	if math.Abs(got[0].UTCDate-(at(recorded[0])+offset)) > 1e-6 {
		t.Errorf("first sale at %f, want %f", got[0].UTCDate, at(recorded[0])+offset)
	}
	ids := map[string]bool{}
	for i, s := range got {
		want := recorded[i]
		if math.Abs(s.UTCDate-offset-at(want)) > 1e-5 || len(s.Items) != len(want.Items) {
			t.Fatalf("sale %d at %f with %d items, want %f with %d", i, s.UTCDate, len(s.Items), at(want)+offset, len(want.Items))
		}
		for j, it := range s.Items {
			if it.ID != want.Items[j].ID || it.ID != PurchaseID(want.Items[j].UTCDate, it.URL) {
				t.Errorf("item id %s, want the recorded one %s", it.ID, want.Items[j].ID)
			}
			if math.Abs(it.UTCDate-offset-want.Items[j].UTCDate) > 1e-5 {
				t.Errorf("item at %f, want %f", it.UTCDate, want.Items[j].UTCDate+offset)
			}
			ids[it.ID] = true
		}
	}
	if len(ids) != recordedItems {
		t.Errorf("%d unique items, want %d", len(ids), recordedItems)
	}
}

func TestReplayIsRepeatable(t *testing.T) {
	var runs [2][]string
	for i := range runs {
		now := func() time.Time { return fixedNow().Add(time.Duration(i) * time.Hour) }
		r, err := NewReplay(dataPath(t, recordedFile), ReplayOptions{Now: now, Logger: discardLogger()})
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range replayAll(t, r) {
			for _, it := range s.Items {
				runs[i] = append(runs[i], it.ID)
			}
		}
		if _, err := r.Next(t.Context()); !errors.Is(err, io.EOF) {
			t.Errorf("Next after the end = %v, want io.EOF again", err)
		}
	}
	if len(runs[0]) != recordedItems || strings.Join(runs[0], ",") != strings.Join(runs[1], ",") {
		t.Errorf("two replays gave different ids (%d and %d items)", len(runs[0]), len(runs[1]))
	}
}

func TestReplayTruncatedGzip(t *testing.T) {
	z := gzipped(t, append(bytes.Join(recordedLines(t), []byte("\n")), '\n'))
	r, err := NewReplay(writeFile(t, z[:len(z)*7/10]), ReplayOptions{Logger: discardLogger()})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(replayAll(t, r)); n == 0 || n >= recordedSales {
		t.Errorf("%d sales from 70%% of the file, want some but not all", n)
	}
}

func TestReplayErrors(t *testing.T) {
	cases := []struct {
		name string
		path func(t *testing.T) string
		want string
	}{
		{"missing", func(t *testing.T) string { return filepath.Join(t.TempDir(), "none.jsonl") }, "no such file"},
		{"empty", func(t *testing.T) string { return writeFile(t, nil) }, "no sales"},
		{"only junk", func(t *testing.T) string { return writeFile(t, []byte("<html>\n{\"events\":\n")) }, "no sales"},
		{"gzip magic, bad stream", func(t *testing.T) string { return writeFile(t, []byte{0x1f, 0x8b, 0, 1, 2}) }, "gzip"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := NewReplay(c.path(t), ReplayOptions{Logger: discardLogger()})
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "feed: replay") {
				t.Errorf("NewReplay = %v, want an error mentioning %q", err, c.want)
			}
		})
	}
}

func TestReplayCancelled(t *testing.T) {
	r, err := NewReplay(dataPath(t, recordedFile), ReplayOptions{Logger: discardLogger()})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := r.Next(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Next = %v, want context.Canceled", err)
	}
}
