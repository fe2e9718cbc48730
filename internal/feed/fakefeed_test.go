package feed

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
)

// fault is how the fake feed misbehaves on one request.
type fault int

const (
	faultNone fault = iota
	fault500
	fault429
	fault404
	faultSlow      // answers only after the client gives up
	faultTruncated // half an answer
	faultHTML      // a 200 with an HTML error page, as CDNs send
)

// fakeFeed serves the recorded answers window by window: get_initial gives
// the first line wrapped in feed_data, get?start_date=N the line that starts
// at N, and an empty window after the last one.
type fakeFeed struct {
	t       *testing.T
	lines   [][]byte
	overlap bool // each get answer repeats the previous answer's last event

	mu       sync.Mutex
	faults   []fault  // consumed one per request, before normal answers
	requests []string // "initial" or the start_date asked for
}

func newFakeFeed(t *testing.T, faults ...fault) (*fakeFeed, *httptest.Server) {
	f := &fakeFeed{t: t, lines: recordedLines(t), faults: faults}
	stop := make(chan struct{})
	srv := httptest.NewServer(f.handler(stop))
	t.Cleanup(func() { close(stop); srv.Close() })
	return f, srv
}

func (f *fakeFeed) next(req string) fault {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests = append(f.requests, req)
	if len(f.faults) == 0 {
		return faultNone
	}
	ft := f.faults[0]
	f.faults = f.faults[1:]
	return ft
}

func (f *fakeFeed) requested() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.requests...)
}

func (f *fakeFeed) handler(stop <-chan struct{}) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/salesfeed/1/get_initial", func(w http.ResponseWriter, r *http.Request) {
		f.serve(w, r, f.next("initial"), append(append([]byte(`{"feed_data": `), f.lines[0]...), '}'), stop)
	})
	mux.HandleFunc("GET /api/salesfeed/1/get", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query().Get("start_date")
		start, err := strconv.ParseInt(q, 10, 64)
		if err != nil {
			http.Error(w, "bad start_date", http.StatusBadRequest)
			return
		}
		f.serve(w, r, f.next(q), f.window(start), stop)
	})
	return mux
}

func (f *fakeFeed) serve(w http.ResponseWriter, r *http.Request, ft fault, body []byte, stop <-chan struct{}) {
	switch ft {
	case fault500:
		http.Error(w, "Internal Server Error", http.StatusInternalServerError)
	case fault429:
		w.Header().Set("Retry-After", "0")
		http.Error(w, "Too Many Requests", http.StatusTooManyRequests)
	case fault404:
		http.NotFound(w, r)
	case faultSlow:
		select { // held until the client's timeout closes the request
		case <-r.Context().Done():
		case <-stop:
		}
	case faultTruncated:
		w.Header().Set("Content-Type", "application/json")
		w.Write(body[:len(body)/2])
	case faultHTML:
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte("<!DOCTYPE html><html><head><title>Bandcamp is down</title></head><body>Back soon</body></html>"))
	default:
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	}
}

// window is the recorded answer starting at start, or an empty one.
func (f *fakeFeed) window(start int64) []byte {
	for i, l := range f.lines {
		var a struct {
			StartDate int64 `json:"start_date"`
		}
		if err := json.Unmarshal(l, &a); err != nil {
			f.t.Errorf("recorded line %d: %v", i, err)
			return nil
		}
		if a.StartDate != start {
			continue
		}
		if f.overlap && i > 0 {
			return withOverlap(f.t, l, f.lines[i-1])
		}
		return l
	}
	empty, _ := json.Marshal(Answer{StartDate: start, EndDate: start + 60, ServerTime: start + 69, DataDelaySec: 120, Events: []Event{}})
	return empty
}

// withOverlap prepends the last event of prev to line's events, as the
// real feed repeats purchases near a window's edge.
func withOverlap(t *testing.T, line, prev []byte) []byte {
	var cur, before map[string]json.RawMessage
	var evs, prevEvs []json.RawMessage
	for _, u := range []struct {
		b []byte
		v any
	}{{line, &cur}, {prev, &before}} {
		if err := json.Unmarshal(u.b, u.v); err != nil {
			t.Error(err)
			return nil
		}
	}
	if json.Unmarshal(cur["events"], &evs) != nil || json.Unmarshal(before["events"], &prevEvs) != nil {
		t.Error("recorded events are not lists")
		return nil
	}
	cur["events"], _ = json.Marshal(append([]json.RawMessage{prevEvs[len(prevEvs)-1]}, evs...))
	b, _ := json.Marshal(cur)
	return b
}
