package feed

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/beatsbyredis/beats/internal/feedtest"
)

// gapRecording is the recorded file with its last four answers moved three
// days later: a recorder that was off for days, as in the 6-answer
// recording whose replay at full speed put most purchases days ahead.
func gapRecording(t *testing.T) []byte {
	t.Helper()
	var out [][]byte
	for i, l := range recordedLines(t) {
		if i >= 4 {
			l = feedtest.ShiftTimes(t, l, 3*86400)
		}
		out = append(out, l)
	}
	return append(bytes.Join(out, []byte("\n")), '\n')
}

// published is one item as Run handed it to the publisher.
type published struct {
	date, at float64 // its date; when it was published
	recorded float64
}

// playAll runs the replay through Run at speed in a synctest bubble (a fake
// clock, so a long replay takes no real time) and returns every item with
// the moment it was published.
func playAll(t *testing.T, path string, opts ReplayOptions) (items []published, start float64) {
	t.Helper()
	synctest.Test(t, func(t *testing.T) {
		start = unixSeconds(time.Now())
		opts.Logger = discardLogger()
		r, err := NewReplay(path, opts)
		if err != nil {
			t.Fatal(err)
		}
		recorded := map[string]float64{}
		for _, s := range r.sales {
			for _, it := range s.Items {
				recorded[it.ID] = it.UTCDate
			}
		}
		err = Run(t.Context(), r, opts.Speed, func(_ context.Context, s Sale) error {
			now := unixSeconds(time.Now())
			for _, it := range s.Items {
				items = append(items, published{date: it.UTCDate, at: now, recorded: recorded[it.ID]})
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
	return items, start
}

// TestRetimedReplayNeverDatesAhead plays a recording with a three-day gap
// at full speed, at 1 and at 20: every purchase is dated at or before the
// moment it is published, in the recorded order, with the recorded spacing
// except that the gap is cut to a minute, and none is lost. Before, full
// speed put the last four minutes three days ahead, where the series (and
// now the store) refuse them.
func TestRetimedReplayNeverDatesAhead(t *testing.T) {
	path := writeFile(t, gapRecording(t))
	for _, speed := range []float64{0, 1, 20} {
		t.Run(fmt.Sprint("speed ", speed), func(t *testing.T) {
			items, start := playAll(t, path, ReplayOptions{Speed: speed, Retention: 30 * 24 * time.Hour})
			if len(items) != recordedItems {
				t.Fatalf("%d purchases, want %d", len(items), recordedItems)
			}
			gapCut := 0
			for i, p := range items {
				if p.date > p.at+1e-6 {
					t.Fatalf("purchase %d dated %.3f s after it was published", i, p.date-p.at)
				}
				if p.date < start-3600 {
					t.Fatalf("purchase %d dated %.0f s before the replay began", i, start-p.date)
				}
				if i == 0 {
					continue
				}
				prev := items[i-1]
				gotGap, recGap := p.date-prev.date, p.recorded-prev.recorded
				switch {
				case recGap > maxGap:
					gapCut++
					if math.Abs(gotGap-maxGap) > 1e-3 {
						t.Errorf("a %.0f s gap became %.3f s, want %v s", recGap, gotGap, maxGap)
					}
				case math.Abs(gotGap-recGap) > 1e-3:
					t.Fatalf("purchases %d and %d: %.3f s apart, recorded %.3f s apart", i-1, i, gotGap, recGap)
				}
			}
			if gapCut != 1 {
				t.Errorf("%d gaps cut, want the one of three days", gapCut)
			}
			last := items[len(items)-1]
			if math.Abs(last.date-last.at) > 1e-3 && speed != 0 {
				t.Errorf("the last purchase is dated %.3f s before it was published, want its publication", last.at-last.date)
			}
			if speed == 0 && math.Abs(last.date-start) > 1e-3 {
				t.Errorf("at full speed the last purchase is dated %.3f s from the start, want the start", last.date-start)
			}
		})
	}
}

// TestRetimedReplayFitsTheRetention: a recording that, even with its gaps
// cut, would reach back further than the retention is squeezed by one
// factor, so every purchase lands inside it (and in the history).
func TestRetimedReplayFitsTheRetention(t *testing.T) {
	path := writeFile(t, append(bytes.Join(recordedLines(t), []byte("\n")), '\n')) // 8 minutes
	items, start := playAll(t, path, ReplayOptions{Speed: 0, Retention: 2 * time.Minute})
	first, last := items[0], items[len(items)-1]
	if span := last.date - first.date; span > 0.99*120+1e-6 || span < 100 {
		t.Errorf("span %.1f s, want it squeezed to 99%% of the 120 s retention", span)
	}
	if first.date < start-120 {
		t.Errorf("first purchase %.1f s before the start, outside the retention", start-first.date)
	}
}

// TestReplayResumes: a replay opened again (a restart, another instance)
// continues after the last sale whose Mark was stored, dated from its own
// start, never before what was already published; a renamed copy resumes,
// an edited file starts over.
func TestReplayResumes(t *testing.T) {
	content := append(bytes.Join(recordedLines(t), []byte("\n")), '\n')
	path := writeFile(t, content)
	clock := fixedNow()
	now := func() time.Time { return clock }
	first, err := NewReplay(path, ReplayOptions{Speed: 1, Now: now, Logger: discardLogger()})
	if err != nil {
		t.Fatal(err)
	}
	var played []Sale
	for range 100 {
		s, err := first.Next(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		played = append(played, s)
	}
	mark := played[len(played)-1].Mark
	if mark == nil || mark.Key != first.Key() || !strings.HasPrefix(mark.Key, ReplayKeyPrefix) {
		t.Fatalf("mark %+v", mark)
	}

	clock = clock.Add(time.Hour) // restarted an hour later
	again, err := NewReplay(writeFile(t, content), ReplayOptions{Speed: 1, Now: now, Logger: discardLogger()})
	if err != nil {
		t.Fatal(err)
	}
	if again.Key() != first.Key() {
		t.Errorf("a copy of the file has key %s, want %s", again.Key(), first.Key())
	}
	again.Resume(mark.Value)
	if again.Left() != recordedSales-100 {
		t.Fatalf("%d sales left after resuming, want %d", again.Left(), recordedSales-100)
	}
	rest := replayAll(t, again)
	if rest[0].Items[0].ID != first.sales[100].Items[0].ID {
		t.Errorf("resumed at %s, want the 101st sale %s", rest[0].Items[0].ID, first.sales[100].Items[0].ID)
	}
	if rest[0].UTCDate < played[99].UTCDate || math.Abs(rest[0].UTCDate-unixSeconds(clock)) > 1e-6 {
		t.Errorf("resumed sale dated %f, want the restart's now %f", rest[0].UTCDate, unixSeconds(clock))
	}

	// A value from another reading of the file (index off) resumes by time.
	stale := "7 " + strings.Fields(mark.Value)[1]
	again.Resume(stale)
	if again.Left() != recordedSales-100 {
		t.Errorf("%d sales left after a stale mark, want %d", again.Left(), recordedSales-100)
	}
	for _, v := range []string{"", "junk", "5 NaN"} {
		again.Resume(v)
		if again.Left() != recordedSales {
			t.Errorf("Resume(%q) left %d sales, want all", v, again.Left())
		}
	}
	edited, err := NewReplay(writeFile(t, append(content, '\n')), ReplayOptions{Logger: discardLogger()})
	if err != nil {
		t.Fatal(err)
	}
	if edited.Key() == first.Key() {
		t.Error("an edited file has the same key")
	}
}

// TestKeepTimesOlderThanRetention: kept times older than the retention are
// left out with a warning that gives the numbers and the retention that
// would keep them; more recent ones are played.
func TestKeepTimesOlderThanRetention(t *testing.T) {
	lines := recordedLines(t)
	// The first four answers years ago, the rest moved to an hour ago.
	recent := time.Now().Add(-time.Hour)
	var out [][]byte
	for i, l := range lines {
		if i >= 4 {
			l = feedtest.ShiftTimes(t, l, float64(recent.Unix()-1599689040))
		}
		out = append(out, l)
	}
	log, logs := testLogger()
	r, err := NewReplay(writeFile(t, bytes.Join(out, []byte("\n"))), ReplayOptions{KeepTimes: true, Retention: 30 * 24 * time.Hour, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	items := 0
	for _, s := range replayAll(t, r) {
		items += len(s.Items)
	}
	// The first four answers hold 19+38+56+21 items.
	if items != recordedItems-134 {
		t.Errorf("%d purchases played, want %d", items, recordedItems-134)
	}
	if logs.count("level=WARN", "134 of the recording's purchases are older than --retention 720h0m0s", "left_out=134") != 1 {
		t.Errorf("want one warning with the numbers, got:\n%s", logs)
	}
	if !strings.Contains(logs.String(), "--retention "+daysSince(1599688800)+"d keeps them all") {
		t.Errorf("the warning does not say which retention keeps them:\n%s", logs)
	}
	if _, err := NewReplay(dataPath(t, recordedFile), ReplayOptions{KeepTimes: true, Retention: time.Hour, Logger: discardLogger()}); err == nil ||
		!strings.Contains(err.Error(), "every purchase is older than --retention 1h0m0s") {
		t.Errorf("a recording entirely too old: %v", err)
	}
}

// daysSince is what the warning advises: whole days since unix, plus two.
func daysSince(unix int64) string {
	return strconv.Itoa(int(time.Since(time.Unix(unix, 0))/(24*time.Hour)) + 2)
}
