package feed

import (
	"fmt"
	"testing"
	"time"
)

func TestLiveCadence(t *testing.T) {
	began := time.Date(2020, 9, 9, 22, 1, 9, 0, time.UTC)
	cases := []struct {
		name       string
		cursor     int64
		ans        Answer
		wantCursor int64
		wantDue    time.Time
	}{
		{"a minute's window: poll a minute after this one began",
			0, Answer{StartDate: 1599688800, EndDate: 1599688860, ServerTime: 1599688869}, 1599688860, began.Add(time.Minute)},
		{"ten-minute window, server just past it",
			0, Answer{StartDate: 1749583860, EndDate: 1749584460, ServerTime: 1749584469}, 1749584460, began.Add(time.Minute)},
		{"window far behind the server: catch up at once",
			1599688800, Answer{StartDate: 1599688800, EndDate: 1599688860, ServerTime: 1599699999}, 1599688860, began},
		{"no end_date: continue from the newest sale",
			0, Answer{Events: []Event{{UTCDate: 1599688803.5}, {UTCDate: 1599688852.9}}}, 1599688852, began.Add(time.Minute)},
		{"end_date going backwards keeps the cursor",
			1599689000, Answer{StartDate: 1599688800, EndDate: 1599688860}, 1599689000, began.Add(time.Minute)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			l := NewLive(LiveOptions{})
			l.cursor = c.cursor
			l.advance(c.ans, began)
			if l.cursor != c.wantCursor || !l.due.Equal(c.wantDue) {
				t.Errorf("cursor %d due %v, want %d %v", l.cursor, l.due, c.wantCursor, c.wantDue)
			}
		})
	}
	l := NewLive(LiveOptions{BaseURL: "http://feed.test/"})
	if got := l.url(); got != "http://feed.test/api/salesfeed/1/get_initial" {
		t.Errorf("first url %s", got)
	}
	l.cursor = 1599688860
	if got := l.url(); got != "http://feed.test/api/salesfeed/1/get?start_date=1599688860" {
		t.Errorf("next url %s", got)
	}
}

func TestLiveBackoff(t *testing.T) {
	l := NewLive(LiveOptions{MinBackoff: 100 * time.Millisecond, MaxBackoff: time.Second})
	for _, c := range []struct {
		attempt int
		full    time.Duration
	}{{1, 100 * time.Millisecond}, {2, 200 * time.Millisecond}, {4, 800 * time.Millisecond}, {5, time.Second}, {64, time.Second}, {1 << 20, time.Second}} {
		for range 50 {
			if d := l.backoff(c.attempt); d < c.full/2 || d > c.full {
				t.Fatalf("attempt %d: backoff %v outside [%v, %v]", c.attempt, d, c.full/2, c.full)
			}
		}
	}
}

func TestSeenSet(t *testing.T) {
	s := newSeenSet(0)
	if !s.add("a", 10) || s.add("a", 10) || !s.add("b", 20) {
		t.Fatal("add does not report new ids")
	}
	s.forgetBefore(15)
	if s.len() != 1 || !s.add("a", 10) {
		t.Error("forgetBefore kept an old id")
	}
	capped := newSeenSet(100)
	for i := range 1000 {
		capped.add(fmt.Sprint(i), 7) // equal times must not defeat the cap
	}
	if capped.len() > 100 {
		t.Errorf("capped set holds %d ids", capped.len())
	}
}

// TestLiveDedupMemoryIsBounded runs an hour of minute windows, each
// overlapping the last, through admit: every purchase comes out once and
// the remembered ids stay within a few windows.
func TestLiveDedupMemoryIsBounded(t *testing.T) {
	l := NewLive(LiveOptions{Logger: discardLogger()})
	total, peak := 0, 0
	window := func(start int64) Answer {
		a := Answer{StartDate: start, EndDate: start + 60}
		for i := range 42 { // purchases every 1.5 s, the last two repeated next window
			at := float64(start-3) + 1.5*float64(i)
			a.Events = append(a.Events, Event{EventType: "sale", UTCDate: at,
				Items: []Item{{UTCDate: at, ArtistName: "x", URL: fmt.Sprintf("//x.bandcamp.com/album/%d", int(at*10))}}})
		}
		return a
	}
	for w := range 60 {
		for _, s := range l.admit(window(1_600_000_000 + int64(60*w))) {
			total += len(s.Items)
		}
		peak = max(peak, l.seen.len())
	}
	if want := 42 + 59*40; total != want {
		t.Errorf("%d purchases, want %d", total, want)
	}
	if peak > (dedupWindows+2)*42 {
		t.Errorf("remembered up to %d ids, want at most a few windows' worth", peak)
	}
}
