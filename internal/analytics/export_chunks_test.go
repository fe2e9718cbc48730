package analytics

import (
	"testing"
	"time"

	"github.com/beatsbyredis/beats/internal/feed"
	"github.com/beatsbyredis/beats/internal/purchases"
	"github.com/beatsbyredis/beats/internal/redistest"
)

// TestExportChunks: a range is exported an hour at a time, its partial
// hours cut at its ends, and an hour denser than the limit a minute at a time.
func TestExportChunks(t *testing.T) {
	rdb := redistest.New(t)
	saver := purchases.NewSaver(rdb, 10*365*24*time.Hour) // its purchases are dated months ago
	dense := time.Date(2026, 3, 1, 11, 0, 0, 0, time.UTC)
	for i := range 12 {
		at := dense.Add(time.Duration(i) * time.Minute)
		it := feed.Item{UTCDate: float64(at.Unix()), ArtistName: "A", AmountPaidUSD: 1, URL: "//a.bandcamp.com/" + at.String()}
		if _, err := saver.Save(t.Context(), purchases.Normalize(it)); err != nil {
			t.Fatal(err)
		}
	}
	r := Range{From: dense.Add(-90 * time.Minute).UnixMilli(), To: dense.Add(time.Hour + 30*time.Second).UnixMilli()}
	chunks, err := exportChunks(t.Context(), rdb, r, 10)
	if err != nil {
		t.Fatal(err)
	}
	want := []Range{{r.From, dense.Add(-time.Hour).UnixMilli()}, {dense.Add(-time.Hour).UnixMilli(), dense.UnixMilli()}}
	for m := range 60 {
		want = append(want, Range{dense.Add(time.Duration(m) * time.Minute).UnixMilli(), dense.Add(time.Duration(m+1) * time.Minute).UnixMilli()})
	}
	want = append(want, Range{dense.Add(time.Hour).UnixMilli(), r.To})
	if len(chunks) != len(want) {
		t.Fatalf("%d chunks, want %d: %v", len(chunks), len(want), chunks)
	}
	for i := range want {
		if chunks[i] != want[i] {
			t.Fatalf("chunk %d = %v, want %v", i, chunks[i], want[i])
		}
	}
}
