// Package feedtest edits recorded feed answers for tests: the recording in
// testdata/ moved in time, as a recorder that was off for days would have
// left it.
package feedtest

import (
	"encoding/json"
	"testing"
)

// ShiftTimes moves every time of one recorded answer (its start_date,
// end_date and server_time, each event's and each item's utc_date) by d
// seconds.
func ShiftTimes(t testing.TB, line []byte, d float64) []byte {
	t.Helper()
	var a map[string]any
	if err := json.Unmarshal(line, &a); err != nil {
		t.Fatal(err)
	}
	shift := func(m map[string]any, key string) {
		if v, ok := m[key].(float64); ok {
			m[key] = v + d
		}
	}
	for _, k := range []string{"start_date", "end_date", "server_time"} {
		shift(a, k)
	}
	events, _ := a["events"].([]any)
	for _, e := range events {
		ev, _ := e.(map[string]any)
		shift(ev, "utc_date")
		items, _ := ev["items"].([]any)
		for _, it := range items {
			if m, ok := it.(map[string]any); ok {
				shift(m, "utc_date")
			}
		}
	}
	b, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
