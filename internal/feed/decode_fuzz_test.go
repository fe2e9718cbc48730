package feed

import (
	"encoding/json"
	"math"
	"os"
	"reflect"
	"testing"
	"time"
)

// FuzzDecodeAnswer checks that no input panics the decoder, that what it
// accepts is sane (sale events only, finite numbers), and that the bare
// line it would record decodes to the same answer.
func FuzzDecodeAnswer(f *testing.F) {
	// Whole answers are tens of kilobytes, which slows mutation a
	// hundredfold; a real answer cut to its first events keeps every shape.
	for _, l := range recordedLines(f) {
		small := firstEvents(f, l, 2)
		f.Add(small)
		f.Add(append(append([]byte(`{"feed_data":`), small...), '}'))
		f.Add(small[:len(small)/2])
	}
	if b, err := os.ReadFile(dataPath(f, "get-answer-2025-06.json")); err == nil {
		f.Add(b)
	}
	for _, s := range []string{
		"", "<html>", "null", "[]", `{"feed_data":{"feed_data":{"events":[]}}}`, `{"feed_data":5}`,
		`{"events":[{"event_type":"sale","utc_date":"1e400","items":[{"art_id":"123.0","amount_paid":"null"}]}]}`,
		`{"events":[{"event_type":"sale","items":[{"utc_date":-0,"art_id":-9223372036854775808}]}]}`,
		`{"error":"yes","error_message":"x"}`,
		`{"events":[{"event_type":"sale","utc_date":NaN,"items":[{"utc_date":1e9,"amount_paid":-Infinity,"artist_name":"NaN"},Infinity]}]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := DecodeAnswer(b)
		if err != nil {
			return
		}
		for _, ev := range a.Events {
			if ev.EventType != "sale" || !isFinite(ev.UTCDate) {
				t.Fatalf("bad event %+v", ev)
			}
			for _, it := range ev.Items {
				for _, v := range []float64{it.UTCDate, it.AmountPaid, it.ItemPrice, it.AmountPaidUSD} {
					if !isFinite(v) {
						t.Fatalf("non-finite number in %+v", it)
					}
				}
			}
		}
		for _, s := range salesOf(a, nil, time.Time{}) {
			for _, it := range s.Items {
				if err := it.Check(0, time.Time{}); err != nil {
					t.Fatalf("salesOf kept an item that breaks a rule: %v", err)
				}
			}
			for _, r := range s.Rejected {
				if r.Reason == "" || !json.Valid(r.Item) {
					t.Fatalf("reject without a reason or its item: %+v", r)
				}
			}
		}
		raw, a2, err := bareAnswer(b)
		if err != nil {
			t.Fatalf("DecodeAnswer accepted what bareAnswer refused: %v", err)
		}
		a3, err := DecodeAnswer(raw)
		if err != nil || !reflect.DeepEqual(a2, a3) || !reflect.DeepEqual(a, a2) {
			t.Fatalf("bare line %q decodes differently (%v)", raw, err)
		}
	})
}

func isFinite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }

// firstEvents re-encodes a real answer keeping only its first n events.
func firstEvents(t testing.TB, line []byte, n int) []byte {
	t.Helper()
	var m map[string]json.RawMessage
	var events []json.RawMessage
	if err := json.Unmarshal(line, &m); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(m["events"], &events); err != nil {
		t.Fatal(err)
	}
	m["events"], _ = json.Marshal(events[:min(n, len(events))])
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
