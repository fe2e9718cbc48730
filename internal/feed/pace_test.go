package feed

import (
	"context"
	"errors"
	"io"
	"math"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/beatsbyredis/beats/internal/retry"
)

// listSource yields sales at the given times, taking delay per Next.
type listSource struct {
	times []float64
	delay time.Duration
	end   error // after the list; io.EOF when nil
	i     int
}

func (s *listSource) Mode() string { return "test" }

func (s *listSource) Next(ctx context.Context) (Sale, error) {
	if err := retry.Sleep(ctx, s.delay); err != nil {
		return Sale{}, err
	}
	if s.i == len(s.times) {
		if s.end != nil {
			return Sale{}, s.end
		}
		return Sale{}, io.EOF
	}
	s.i++
	return Sale{UTCDate: 1e9 + s.times[s.i-1], Items: []Item{{URL: "//x"}}}, nil
}

// TestRunSchedule runs in a synctest bubble, whose clock is fake, so each
// sale's publish time can be checked to the millisecond.
func TestRunSchedule(t *testing.T) {
	cases := []struct {
		name  string
		times []float64
		speed float64
		delay time.Duration
		want  []float64 // seconds after Run starts
	}{
		{"gaps kept", []float64{0, 1.5, 1.75, 11.75}, 1, 0, []float64{0, 1.5, 1.75, 11.75}},
		{"speed 2 halves them", []float64{0, 1.5, 1.75, 11.75}, 2, 0, []float64{0, 0.75, 0.875, 5.875}},
		{"speed 0 never waits", []float64{0, 100, 5000}, 0, 0, []float64{0, 0, 0}},
		{"a long gap is capped at 60 s", []float64{0, 1000, 1001, 1003}, 1, 0, []float64{0, 60, 61, 63}},
		{"the cap scales with speed", []float64{0, 1000, 1001}, 10, 0, []float64{0, 6, 6.1}},
		{"equal and backward times go at once", []float64{0, 5, 5, 3, 6}, 1, 0, []float64{0, 5, 5, 5, 6}},
		// Each Next takes 0.4 s; scheduling from the start absorbs it rather
		// than adding it to every gap.
		{"no drift from a slow source", []float64{0, 1, 2, 3}, 1, 400 * time.Millisecond, []float64{0.4, 1.4, 2.4, 3.4}},
		{"a stalled source is forgiven, not caught up", []float64{0, 1, 2}, 1, 70 * time.Second, []float64{70, 140, 210}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				start := time.Now()
				var got []float64
				var order []float64
				err := Run(t.Context(), &listSource{times: c.times, delay: c.delay}, c.speed, func(_ context.Context, s Sale) error {
					got = append(got, time.Since(start).Seconds())
					order = append(order, s.UTCDate-1e9)
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
				if len(got) != len(c.want) {
					t.Fatalf("published %d sales, want %d", len(got), len(c.want))
				}
				for i := range got {
					if math.Abs(got[i]-c.want[i]) > 1e-3 || order[i] != c.times[i] {
						t.Errorf("sale %d (%v) published at %.3fs, want sale %v at %.3fs", i, order[i], got[i], c.times[i], c.want[i])
					}
				}
			})
		})
	}
}

func TestRunEnds(t *testing.T) {
	errSource := errors.New("source broke")
	errPublish := errors.New("redis down")
	cases := []struct {
		name    string
		src     *listSource
		speed   float64
		publish func(cancel context.CancelFunc, n int) error
		want    error
		text    string        // the error must mention this
		elapsed time.Duration // most fake time the run may take
	}{
		{"EOF is a clean end", &listSource{times: []float64{0, 1}}, 1, nil, nil, "", 2 * time.Second},
		{"source errors are wrapped", &listSource{times: []float64{0}, end: errSource}, 1, nil, errSource, "feed: read test sale", time.Second},
		{"publish errors are wrapped", &listSource{times: []float64{0, 1}}, 1,
			func(context.CancelFunc, int) error { return errPublish }, errPublish, "feed: publish sale", time.Second},
		// The bubble's clock is fake: the cancel comes 1 s into the 30 s wait.
		{"cancel while waiting returns at once", &listSource{times: []float64{0, 30, 60}}, 1,
			func(cancel context.CancelFunc, n int) error {
				if n == 1 {
					go func() { time.Sleep(time.Second); cancel() }()
				}
				return nil
			}, context.Canceled, "", 2 * time.Second},
		{"deadline while the source blocks", &listSource{times: []float64{0, 1}, delay: time.Hour}, 0,
			nil, context.DeadlineExceeded, "", time.Minute},
		{"negative speed", &listSource{}, -1, nil, nil, "speed -1", 0},
		{"NaN speed", &listSource{}, math.NaN(), nil, nil, "speed NaN", 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
				defer cancel()
				n := 0
				start := time.Now()
				err := Run(ctx, c.src, c.speed, func(_ context.Context, s Sale) error {
					n++
					if c.publish == nil {
						return nil
					}
					return c.publish(cancel, n)
				})
				if c.text != "" {
					if err == nil || !strings.Contains(err.Error(), c.text) {
						t.Fatalf("Run = %v, want an error mentioning %q", err, c.text)
					}
				} else if (c.want == nil) != (err == nil) {
					t.Fatalf("Run = %v, want %v", err, c.want)
				}
				if c.want != nil && !errors.Is(err, c.want) {
					t.Errorf("Run = %v, want it to wrap %v", err, c.want)
				}
				if d := time.Since(start); d > c.elapsed {
					t.Errorf("Run took %v, want at most %v", d, c.elapsed)
				}
			})
		})
	}
}

// TestRunRealReplay paces the real recording at speed 2000 on the real
// clock: its 8 minutes take about a quarter second, in order.
func TestRunRealReplay(t *testing.T) {
	r, err := NewReplay(dataPath(t, recordedFile), ReplayOptions{Logger: discardLogger()})
	if err != nil {
		t.Fatal(err)
	}
	var times []float64
	start := time.Now()
	err = Run(t.Context(), r, 2000, func(_ context.Context, s Sale) error {
		times = append(times, s.UTCDate)
		return nil
	})
	elapsed := time.Since(start)
	if err != nil || len(times) != recordedSales {
		t.Fatalf("Run = %v after %d sales, want nil after %d", err, len(times), recordedSales)
	}
	for i := 1; i < len(times); i++ {
		if times[i] < times[i-1] {
			t.Fatalf("sale %d published out of order", i)
		}
	}
	span := time.Duration((times[len(times)-1] - times[0]) / 2000 * float64(time.Second))
	if elapsed < span*9/10 || elapsed > span+2*time.Second {
		t.Errorf("took %v, want about %v", elapsed, span)
	}
	start = time.Now()
	r2, _ := NewReplay(dataPath(t, recordedFile), ReplayOptions{Logger: discardLogger()})
	if err := Run(t.Context(), r2, 0, func(context.Context, Sale) error { return nil }); err != nil || time.Since(start) > time.Second {
		t.Errorf("speed 0: %v after %v, want nil at once", err, time.Since(start))
	}
}
