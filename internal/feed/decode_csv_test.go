package feed

import (
	"encoding/csv"
	"encoding/json"
	"math"
	"os"
	"reflect"
	"testing"
	"time"
)

// TestDecodeItemsFromCSV feeds the same 264 real items as they appear after
// a trip through pandas and CSV (every value a string, ids like "123.0",
// floats like "9.98999977111816", empty cells for null) and checks each
// decodes to the item of the recorded answers.
func TestDecodeItemsFromCSV(t *testing.T) {
	want := map[string]Item{}
	for _, l := range recordedLines(t) {
		a, err := DecodeAnswer(l)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range salesOf(a, nil, time.Time{}) {
			for _, it := range s.Items {
				want[it.ID] = it
			}
		}
	}
	f, err := os.Open(dataPath(t, "items-2020-09-09.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	header, rows := rows[0], rows[1:]
	if len(rows) != recordedItems {
		t.Fatalf("%d CSV rows, want %d", len(rows), recordedItems)
	}
	matched := 0
	for _, row := range rows {
		obj := map[string]any{}
		for i, col := range header {
			if col == "_id" {
				continue
			}
			obj[col] = nil
			if row[i] != "" {
				obj[col] = row[i]
			}
		}
		b, err := json.Marshal(obj)
		if err != nil {
			t.Fatal(err)
		}
		var got Item
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatalf("decode %s: %v", b, err)
		}
		got.ID = PurchaseID(got.UTCDate, got.URL)
		w, ok := want[got.ID]
		if !ok {
			t.Errorf("CSV item %s %s has no twin in the answers", row[0], got.ID)
			continue
		}
		matched++
		// pandas turned prices into float32 noise: compare those loosely,
		// everything else exactly.
		for _, p := range [][2]float64{{got.AmountPaid, w.AmountPaid}, {got.ItemPrice, w.ItemPrice}, {got.AmountPaidUSD, w.AmountPaidUSD}} {
			if math.Abs(p[0]-p[1]) > 1e-5 {
				t.Errorf("%s: amount %v, want %v", got.ID, p[0], p[1])
			}
		}
		got.AmountPaid, got.ItemPrice, got.AmountPaidUSD = w.AmountPaid, w.ItemPrice, w.AmountPaidUSD
		// CSV cannot tell "" from null; the answers have only null.
		if got.TrackAlbumSlugText != nil && *got.TrackAlbumSlugText == "" {
			got.TrackAlbumSlugText = nil
		}
		if !reflect.DeepEqual(got, w) {
			t.Errorf("CSV item\n got %+v\nwant %+v", got, w)
		}
	}
	if matched != recordedItems {
		t.Errorf("matched %d items, want %d", matched, recordedItems)
	}
}
