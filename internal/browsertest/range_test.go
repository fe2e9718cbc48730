package browsertest

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/beatsbyredis/beats/internal/apptest"
	"github.com/beatsbyredis/beats/internal/redistest"
)

// olderCopyAge is how long before now the second copy of the recording
// lies: in the last 7 days, not in the last 24 hours.
const olderCopyAge = 50 * time.Hour

// recentCopyAge is how long before now the recent copy ends: past the
// longest step a live window's end is rounded down to (a minute, see
// web/src/lib/range.js), so every live window holds all of it.
const recentCopyAge = 2 * time.Minute

// TestRanges picks ranges on the dashboard and sees every panel follow:
// the headline numbers, the sales chart and its buckets, the top five, the
// map, the breakdowns and trending. The server holds the recorded feed
// twice, ending two minutes ago and 50 hours ago, and nothing new arrives, so
// each range's figures are known: the last hour holds one copy, 7 days
// both, a span dragged around the older copy that copy alone. The span is
// in the URL (a reload shows it again), and both exports download what
// the panels count.
func TestRanges(t *testing.T) {
	requireChromium(t)
	requireUI(t)
	axe := requireAxe(t)
	srv := startTwoCopiesServer(t)
	b := newBrowser(t)
	shots := artifactsDir(t)
	var hour, week panels // what the last hour and the last 7 days showed

	steps := []step{
		{"register and land on the dashboard", func(ctx context.Context) error { return register(ctx, srv.URL) }},
		{"the last hour, live by default: one copy in every panel", func(ctx context.Context) error {
			var err error
			hour, err = waitPanels(ctx, "the last hour's panels", func(p panels) bool {
				return p.Kind == "live" && p.Preset == "1h" && p.loaded(replayPurchases) && p.Bucket == 60_000 && p.Trend == "1h"
			})
			if err == nil {
				t.Logf("the last hour: %+v", hour)
			}
			return err
		}},
		{"7 days: every panel changes", func(ctx context.Context) error {
			if err := chromedp.Do(ctx, chromedp.Click(`[data-testid="range-preset"][data-range="7d"]`)); err != nil {
				return err
			}
			var err error
			week, err = waitPanels(ctx, "the last 7 days' panels", func(p panels) bool {
				return p.Preset == "7d" && p.loaded(2*replayPurchases) && p.Bucket == 3_600_000 && p.Trend == "24h"
			})
			if err != nil {
				return err
			}
			t.Logf("the last 7 days: %+v", week)
			if err := hour.allDifferFrom(week); err != nil {
				return err
			}
			// Both copies, so twice the money and the map's purchases.
			if week.MapTotal != 2*hour.MapTotal || math.Abs(week.Revenue-2*hour.Revenue) > 0.005 {
				return fmt.Errorf("7 days: map %d, revenue %.2f; want twice the hour's %d, %.2f", week.MapTotal, week.Revenue, hour.MapTotal, hour.Revenue)
			}
			return urlQuery(ctx, "range=7d")
		}},
		{"a span dragged on the sales chart around the older copy", func(ctx context.Context) error {
			older := time.Now().Add(-olderCopyAge).UnixMilli()
			if err := dragOnHistory(ctx, older-3*3_600_000, older+3*3_600_000); err != nil {
				return err
			}
			// Trending is read after the other panels (until then it shows
			// the week's window): a span of six hours or so trends on 6h.
			fixed, err := waitPanels(ctx, "the dragged span's panels", func(p panels) bool {
				return p.Kind == "fixed" && p.loaded(replayPurchases) && p.Trend == "6h"
			})
			if err != nil {
				return err
			}
			t.Logf("the dragged span: %+v", fixed)
			if err := week.allDifferFrom(fixed); err != nil {
				return err
			}
			if err := chartHoldsStill(ctx); err != nil {
				return err
			}
			// Only the older copy: the recent one's figures, not the week's.
			if fixed.MapTotal != hour.MapTotal || math.Abs(fixed.Revenue-hour.Revenue) > 0.005 {
				return fmt.Errorf("the span: map %d, revenue %.2f; want the one copy's %d, %.2f", fixed.MapTotal, fixed.Revenue, hour.MapTotal, hour.Revenue)
			}
			return urlQuery(ctx, "range=7d", "from=", "to=")
		}},
		{"the link shows the same span after a reload", func(ctx context.Context) error {
			before, err := readPanels(ctx)
			if err != nil {
				return err
			}
			if err := chromedp.Do(ctx, chromedp.Reload()); err != nil {
				return err
			}
			_, err = waitPanels(ctx, "the same span after the reload", func(p panels) bool {
				return p.Kind == "fixed" && p.Status == before.Status && p.loaded(replayPurchases) && p.Bucket == before.Bucket
			})
			return err
		}},
		{"the range's CSV holds one row per purchase it counts", func(ctx context.Context) error {
			return exportHas(ctx, "export-range", replayPurchases, "")
		}},
		{"axe-core finds nothing on a fixed span, and a screenshot", func(ctx context.Context) error {
			ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), axeStepTimeout)
			defer cancel()
			if err := stylesSettled(ctx); err != nil {
				return err
			}
			if err := noAxeViolations(ctx, axe); err != nil {
				return err
			}
			return screenshot(ctx, t, shots, fmt.Sprintf("range-fixed-%d", desktop.width))
		}},
		{"the fixed span at a phone's width in the dark theme", func(ctx context.Context) error {
			ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), axeStepTimeout)
			defer cancel()
			if err := chromedp.Do(ctx, phone.emulate()); err != nil {
				return err
			}
			if err := themedPage(ctx, t, "dark", axe, shots, fmt.Sprintf("range-fixed-%d-dark", phone.width), chartsThemed, phone.fits); err != nil {
				return err
			}
			return chromedp.Do(ctx, desktop.emulate(), emulateMedia("light"))
		}},
		{"back to live: the last 7 days again", func(ctx context.Context) error {
			if err := chromedp.Do(ctx, chromedp.Click(tid("range-back-live"))); err != nil {
				return err
			}
			if _, err := waitPanels(ctx, "the last 7 days' panels", func(p panels) bool {
				return p.Kind == "live" && p.Preset == "7d" && p.loaded(2*replayPurchases)
			}); err != nil {
				return err
			}
			return urlQuery(ctx, "range=7d")
		}},
		{"by keyboard: Enter on an hour of the chart shows that hour", func(ctx context.Context) error {
			// End steps to the newest hour, ArrowLeft to the last whole one.
			if err := chromedp.Do(ctx, chromedp.Focus(tid("history-chart")), chromedp.KeyEvent(kb.End), chromedp.KeyEvent(kb.ArrowLeft), chromedp.KeyEvent(kb.Enter)); err != nil {
				return err
			}
			if _, err := waitPanels(ctx, "an hour in minutes", func(p panels) bool { return p.Kind == "fixed" && p.Bucket == 60_000 }); err != nil {
				return err
			}
			_, err := waitJS[bool](ctx, "the link to hold one whole hour", `(() => {
				const q = new URLSearchParams(location.search);
				const from = Date.parse(q.get('from')), to = Date.parse(q.get('to'));
				return to - from === 3600000 && from % 3600000 === 0;
			})()`)
			return err
		}},
		{"a search's CSV holds every match", func(ctx context.Context) error {
			if err := searchKnown(ctx); err != nil {
				return err
			}
			// Both copies of the known purchase, and nothing that does not match.
			return exportHas(ctx, "export-search", 2, knownArtist)
		}},
	}
	runSteps(t, b, steps)
}

// startTwoCopiesServer stores the recorded feed twice, moved to end now
// and olderCopyAge ago, and serves it from an instance that stores nothing
// new (see startStillServer).
func startTwoCopiesServer(t *testing.T) *apptest.Instance {
	t.Helper()
	redisSrv := redistest.Server(t)
	playReplay(t, redisSrv.URL(), recentReplay(t, time.Now().Add(-olderCopyAge)), replayPurchases).Stop()
	recent := recentReplay(t, time.Now().Add(-recentCopyAge))
	playReplay(t, redisSrv.URL(), recent, 2*replayPurchases).Stop()
	return apptest.Start(t, redisSrv.URL(), "--feed", "replay:"+recent, "--speed", "0", "--keep-times")
}

// panels is what each panel of the dashboard shows, read from the page.
type panels struct {
	Kind, Preset, Status string  // the range picker: live or fixed, the window, what it says
	Purchases, Countries int     // headline numbers
	Revenue              float64 // headline USD
	Artists, Biggest     string
	Bucket               int64 // the sales chart: bucket width (ms), purchases drawn
	ChartTotal           int
	Sellers              string // the top five's legend
	MapTotal             int
	TypeSum, CurrencySum int    // purchases in the breakdowns' rows
	Breakdown            string // their text
	Trend                string // trending's window and its rows
	TrendRows            string
}

// loaded says every panel shows n purchases, or figures of them.
func (p panels) loaded(n int) bool {
	return p.Purchases == n && p.ChartTotal == n && p.TypeSum == n && p.CurrencySum == n &&
		p.Sellers != "" && p.MapTotal > 0 && p.Biggest != "" && p.TrendRows != ""
}

// allDifferFrom checks that every panel shows something else in q than in p.
func (p panels) allDifferFrom(q panels) error {
	var same []string
	for _, c := range []struct {
		name string
		a, b any
	}{
		{"range", p.Status, q.Status},
		{"headline purchases", p.Purchases, q.Purchases},
		{"headline revenue", p.Revenue, q.Revenue},
		{"sales chart", fmt.Sprint(p.Bucket, p.ChartTotal), fmt.Sprint(q.Bucket, q.ChartTotal)},
		{"top five", p.Sellers, q.Sellers},
		{"map", p.MapTotal, q.MapTotal},
		{"breakdowns", p.Breakdown, q.Breakdown},
		{"trending", p.Trend + p.TrendRows, q.Trend + q.TrendRows},
	} {
		if c.a == c.b {
			same = append(same, fmt.Sprintf("%s (%v)", c.name, c.a))
		}
	}
	if len(same) > 0 {
		return fmt.Errorf("panels that did not change: %s", strings.Join(same, ", "))
	}
	return nil
}

const panelsJS = `(() => {
	const q = (sel) => document.querySelector(sel);
	const text = (sel) => q(sel)?.textContent.replace(/\s+/g, ' ').trim() ?? '';
	const num = (s) => +String(s).replace(/[^0-9.]/g, '') || 0;
	const stat = (name) => text('[data-testid="headline-number"][data-name="' + name + '"]');
	const rows = (id) => [...document.querySelectorAll('[data-testid="' + id + '"] [data-testid="breakdown-row"]')];
	const sum = (id) => rows(id).reduce((n, r) => n + num(r.children[1].textContent), 0);
	const picker = q('[data-testid="range-picker"]');
	const chart = q('[data-testid="history-chart"]');
	const trending = q('[data-testid="trending-panel"]');
	return JSON.stringify({
		Kind: picker?.dataset.kind ?? '', Preset: picker?.dataset.preset ?? '', Status: text('[data-testid="range-status"]'),
		Purchases: num(stat('purchases')), Countries: num(stat('countries')), Revenue: num(stat('revenue')),
		Artists: stat('artists'), Biggest: text('[data-testid="biggest-sale"]').replace(/^—$/, ''),
		Bucket: +chart?.dataset.bucket || 0, ChartTotal: +chart?.dataset.total || 0,
		Sellers: [...document.querySelectorAll('[data-testid="top-sellers-legend-row"]')].map((r) => r.textContent.trim()).join('; '),
		MapTotal: +q('[data-testid="world-map"]')?.dataset.total || 0,
		TypeSum: sum('breakdown-type'), CurrencySum: sum('breakdown-currency'),
		Breakdown: rows('breakdown-type').concat(rows('breakdown-currency')).map((r) => r.textContent.trim()).join('; '),
		Trend: trending?.dataset.window ?? '',
		TrendRows: [...document.querySelectorAll('[data-testid="trending-row"]')].map((r) => r.textContent.trim()).join('; '),
	});
})()`

func readPanels(ctx context.Context) (panels, error) {
	var p panels
	s, err := evalJS[string](ctx, "reading the panels", panelsJS)
	if err == nil {
		err = json.Unmarshal([]byte(s), &p)
	}
	return p, err
}

// waitPanels reads the panels until ok holds, or ctx ends.
func waitPanels(ctx context.Context, what string, ok func(panels) bool) (panels, error) {
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	var last panels
	for {
		p, err := readPanels(ctx)
		if err == nil && ok(p) {
			return p, nil
		}
		if err == nil {
			last = p
		}
		select {
		case <-ctx.Done():
			return last, fmt.Errorf("waiting for %s: %w; last seen %+v", what, ctx.Err(), last)
		case <-tick.C:
		}
	}
}

// chartHoldsStill checks that the charts are not drawn again and again
// while the mouse rests on the sales chart (taking the mouse for the brush
// redraws it): at most twice in 30 animation frames.
func chartHoldsStill(ctx context.Context) error {
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`new Promise((done) => {
		const start = window.__beatsChartsUpdates;
		let frames = 0;
		const tick = () => (++frames < 30 ? requestAnimationFrame(tick) : done(window.__beatsChartsUpdates - start));
		requestAnimationFrame(tick);
	})`, chromedp.EvalAwaitPromise))
	if err == nil && n > 2 {
		err = fmt.Errorf("the charts were drawn %d times in 30 frames with the mouse resting on one", n)
	}
	return err
}

// headlineCountsLive checks that a live window's headline numbers and map
// count the purchases that arrive (over the socket, then the next read).
func headlineCountsLive(ctx context.Context) error {
	before, err := waitPanels(ctx, "the headline numbers", func(p panels) bool { return p.Kind == "live" && p.Purchases > 0 })
	if err != nil {
		return err
	}
	_, err = waitPanels(ctx, "the headline and the map to count a new purchase", func(p panels) bool {
		return p.Purchases > before.Purchases && p.MapTotal > before.MapTotal && p.Revenue > before.Revenue
	})
	return err
}

// urlQuery checks that the address bar's query has each of parts.
func urlQuery(ctx context.Context, parts ...string) error {
	q, err := evalJS[string](ctx, "reading the URL", `location.search`)
	if err != nil {
		return err
	}
	for _, p := range parts {
		if !strings.Contains(q, p) {
			return fmt.Errorf("the URL's query %q has no %q", q, p)
		}
	}
	return nil
}

// dragOnHistory drags the mouse across the sales chart from time a to
// time b (ms). Where a time is drawn follows from the purchases' area,
// which spans the chart's whole buckets: from data-first to the last
// whole one.
func dragOnHistory(ctx context.Context, a, b int64) error {
	xy, err := evalJS[[]float64](ctx, "locating the chart's times", `(() => {
		const chart = document.querySelector('[data-testid="history-chart"]');
		const probe = document.createElement('span');
		probe.style.color = 'var(--beats-chart-area)';
		document.body.append(probe);
		const area = getComputedStyle(probe).color;
		probe.remove();
		const path = [...chart.querySelectorAll('svg path')].find((p) => getComputedStyle(p).fill === area);
		const svg = chart.querySelector('svg').getBoundingClientRect();
		const box = path.getBBox();
		const first = +chart.dataset.first;
		const bucket = +chart.dataset.bucket;
		const whole = +chart.dataset.points - (chart.dataset.inProgress ? 1 : 0);
		const last = first + (whole - 1) * bucket;
		return [svg.left + box.x, box.width / (last - first), first, svg.top + box.y + box.height / 2];
	})()`)
	if err != nil {
		return err
	}
	left, perMS, first, y := xy[0], xy[1], int64(xy[2]), xy[3]
	x := func(ms int64) float64 { return left + float64(ms-first)*perMS }
	held := func(p *input.DispatchMouseEventParams) {
		p.Button = input.MouseButtonLeft
		p.Buttons = 1
	}
	// A mouse over the chart loads the brush, which then takes the mouse.
	if err := chromedp.Do(ctx, chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, x(a), y)); err != nil {
		return err
	}
	if _, err := waitJS[bool](ctx, "the chart to take the mouse", `document.querySelector('[data-testid="history-chart"]').dataset.drag === 'ready'`); err != nil {
		return err
	}
	actions := []chromedp.Action[chromedp.Void]{
		chromedp.MouseEvent(input.DispatchMouseEventTypeMousePressed, x(a), y, held, chromedp.ClickCount(1)),
	}
	for i := 1; i <= 10; i++ {
		actions = append(actions, chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, x(a+(b-a)*int64(i)/10), y, held))
	}
	actions = append(actions, chromedp.MouseEvent(input.DispatchMouseEventTypeMouseReleased, x(b), y, held, chromedp.ClickCount(1)))
	return chromedp.Do(ctx, actions...)
}

// exportHas downloads the export link with data-testid id in the page (as
// the signed-in browser does) and checks it is CSV with a header and n
// records; when contains is set, that every record holds it.
func exportHas(ctx context.Context, id string, n int, contains string) error {
	out, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(async () => {
		const a = document.querySelector('[data-testid="`+id+`"]');
		const res = await fetch(a.href);
		return JSON.stringify({href: a.getAttribute('href'), download: a.hasAttribute('download'), status: res.status, type: res.headers.get('Content-Type'), body: await res.text()});
	})()`, chromedp.EvalAwaitPromise))
	if err != nil {
		return fmt.Errorf("downloading %s: %w", id, err)
	}
	var got struct {
		Href, Type, Body string
		Download         bool
		Status           int
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		return err
	}
	if got.Status != 200 || !strings.HasPrefix(got.Type, "text/csv") || !got.Download {
		return fmt.Errorf("%s (%s): status %d, %q, download attribute %v", id, got.Href, got.Status, got.Type, got.Download)
	}
	records, err := csv.NewReader(strings.NewReader(got.Body)).ReadAll()
	if err != nil {
		return fmt.Errorf("%s (%s): not CSV: %w", id, got.Href, err)
	}
	if len(records) != n+1 || records[0][0] != "id" {
		return fmt.Errorf("%s (%s): %d records, want a header and %d; first %q", id, got.Href, len(records), n, records[:min(1, len(records))])
	}
	for _, r := range records[1:] {
		if contains != "" && !slices.ContainsFunc(r, func(field string) bool { return strings.Contains(field, contains) }) {
			return fmt.Errorf("%s (%s): a record without %q: %q", id, got.Href, contains, r)
		}
	}
	if u, err := url.Parse(got.Href); err != nil || u.Path != "/purchases/export" {
		return fmt.Errorf("%s links to %q", id, got.Href)
	}
	return nil
}
