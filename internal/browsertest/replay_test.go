package browsertest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// recentReplay writes the recorded feed to a temporary file with every time
// moved by whole seconds so that its last sale happened just before end.
// Played with --keep-times, its purchases then fall in the last ten minutes:
// the history chart gets several minutes to draw, the map and top sellers
// real data, and search a known purchase, with no time in the future.
func recentReplay(t *testing.T, end time.Time) string {
	t.Helper()
	data, err := os.ReadFile(replayFile)
	if err != nil {
		t.Fatalf("reading the recorded feed: %v", err)
	}
	var answers []map[string]any
	last := 0.0
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 1<<20), 16<<20)
	for sc.Scan() {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		// UseNumber keeps every other number (64-bit art ids) exactly.
		dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		dec.UseNumber()
		var a map[string]any
		if err := dec.Decode(&a); err != nil {
			t.Fatalf("%s: %v", replayFile, err)
		}
		eachTime(a, func(n json.Number) json.Number {
			if v, err := n.Float64(); err == nil && v > last {
				last = v
			}
			return n
		})
		answers = append(answers, a)
	}
	if err := sc.Err(); err != nil || len(answers) == 0 {
		t.Fatalf("%s: %d answers, %v", replayFile, len(answers), err)
	}

	shift := float64(end.Unix()-1) - math.Ceil(last)
	var out bytes.Buffer
	for _, a := range answers {
		eachTime(a, func(n json.Number) json.Number {
			v, err := n.Float64()
			if err != nil {
				t.Fatalf("%s: time %q: %v", replayFile, n, err)
			}
			return json.Number(strconv.FormatFloat(v+shift, 'f', -1, 64))
		})
		line, err := json.Marshal(a)
		if err != nil {
			t.Fatal(err)
		}
		out.Write(append(line, '\n'))
	}
	path := filepath.Join(t.TempDir(), "recent-feed.jsonl")
	if err := os.WriteFile(path, out.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// eachTime replaces every time in one recorded answer with f of it: the
// answer's window and server time, and each event's and item's utc_date.
func eachTime(answer map[string]any, f func(json.Number) json.Number) {
	set := func(m map[string]any, key string) {
		if n, ok := m[key].(json.Number); ok {
			m[key] = f(n)
		}
	}
	for _, k := range []string{"start_date", "end_date", "server_time"} {
		set(answer, k)
	}
	events, _ := answer["events"].([]any)
	for _, e := range events {
		ev, ok := e.(map[string]any)
		if !ok {
			continue
		}
		set(ev, "utc_date")
		items, _ := ev["items"].([]any)
		for _, it := range items {
			if item, ok := it.(map[string]any); ok {
				set(item, "utc_date")
			}
		}
	}
}
