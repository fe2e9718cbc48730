package browsertest

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

const (
	username = "browser-tester"
	password = "correct horse battery staple"

	// A purchase the replay is known to hold (the recording's first sale).
	knownArtist = "Girl Band"
	knownItem   = "Live at Vicar Street"

	stepTimeout = 15 * time.Second
)

// TestDashboard is the end-to-end check, one step after another in
// one tab: each step needs the state the one before left.
func TestDashboard(t *testing.T) {
	requireChromium(t)
	requireUI(t)
	srv := startDashboardServer(t)
	b := newBrowser(t)
	shots := artifactsDir(t)
	var session []*http.Cookie // the browser's cookies while signed in

	steps := []step{
		{"register and land on the dashboard", func(ctx context.Context) error {
			return register(ctx, srv.URL)
		}},
		{"see a purchase arrive live", func(ctx context.Context) error {
			// Once the socket is live and the first page of purchases is in,
			// any row with an id not seen now came over the WebSocket.
			if _, err := waitJS[bool](ctx, "the socket to be live with the recent purchases loaded", `
				document.querySelector('[data-testid="connection-indicator"]')?.dataset.state === 'live' &&
				document.querySelector('[data-testid="feed-badge"]')?.dataset.mode === 'synthetic' &&
				document.querySelector('[data-testid="purchase-list"]')?.getAttribute('aria-busy') === 'false'`); err != nil {
				return err
			}
			if _, err := evalJS[int](ctx, "noting the rows shown", `
				window.__testSeenRows = new Set([...document.querySelectorAll('[data-testid="purchase-row"]')].map((r) => r.dataset.id));
				window.__testSeenRows.size`); err != nil {
				return err
			}
			id, err := waitJS[string](ctx, "a new purchase row", `
				[...document.querySelectorAll('[data-testid="purchase-row"]')]
					.map((r) => r.dataset.id).find((id) => id && !window.__testSeenRows.has(id))`)
			if err == nil {
				t.Logf("live purchase %s arrived", id)
			}
			return err
		}},
		{"see both charts drawn with data", chartsDrawn},
		{"the headline numbers count live purchases", headlineCountsLive},
		{"see the map shade a country", mapShaded},
		{"search for a known purchase", searchKnown},
		{"desktop layout and screenshot", func(ctx context.Context) error {
			if err := desktop.fits(ctx); err != nil {
				return err
			}
			return screenshot(ctx, t, shots, "dashboard-"+desktop.name)
		}},
		{"charts and map by keyboard", chartsByKeyboard(t)},
		{"a country on the map searches for its purchases", mapSearchesCountry(t)},
		{"dark theme toggle, remembered over a reload", themeToggle},
		{"reload at phone width and stay logged in", func(ctx context.Context) error {
			if err := chromedp.Do(ctx, phone.emulate(), chromedp.Reload()); err != nil {
				return err
			}
			if err := onDashboard(ctx); err != nil {
				return err
			}
			var err error
			session, err = cookies(ctx, srv.URL)
			return err
		}},
		{"phone layout and screenshot", func(ctx context.Context) error {
			for _, check := range []func(context.Context) error{chartsDrawn, mapShaded, searchKnown, phone.fits} {
				if err := check(ctx); err != nil {
					return err
				}
			}
			return screenshot(ctx, t, shots, "dashboard-"+phone.name)
		}},
		{"log out and be sent to the login page", func(ctx context.Context) error {
			if err := chromedp.Do(ctx, chromedp.Click(tid("logout-button"))); err != nil {
				return err
			}
			if _, err := waitJS[bool](ctx, "the login page", `
				location.pathname === '/login' && !!document.querySelector('[data-testid="login-form"]')`); err != nil {
				return err
			}
			// The session must be gone on the server, not just in the tab.
			return sessionEnded(ctx, srv.URL, session)
		}},
		{"login page layout and screenshot", func(ctx context.Context) error {
			if err := phone.fits(ctx); err != nil {
				return err
			}
			return screenshot(ctx, t, shots, "login-"+phone.name)
		}},
	}

	runSteps(t, b, steps)
}

// step is one part of a browser test; it needs the state the one before left.
type step struct {
	name string
	run  func(ctx context.Context) error
}

// runSteps runs each step in turn with stepTimeout, in one tab, and stops at
// the first that fails or after which the page has logged an error (one the
// test expects, b.console.expect, does not count).
func runSteps(t *testing.T, b *browser, steps []step) {
	t.Helper()
	for _, s := range steps {
		ok := t.Run(s.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
			defer cancel()
			if err := s.run(ctx); err != nil {
				t.Fatalf("%v\npage: %s\nconsole errors: %q", err, pageState(b.ctx), b.console.Errors())
			}
			if errs := b.console.Errors(); len(errs) > 0 {
				t.Fatalf("the page logged errors:\n  %s\npage: %s", strings.Join(errs, "\n  "), pageState(b.ctx))
			}
		})
		if !ok {
			break // later steps need this one's state
		}
	}
	for _, w := range b.console.Warnings() {
		t.Logf("console warning: %s", w)
	}
}

// register signs up as username at desktop size and waits for the dashboard.
func register(ctx context.Context, url string) error {
	if err := chromedp.Do(ctx,
		desktop.emulate(),
		chromedp.Navigate(url+"/register"),
		chromedp.WaitVisible(tid("register-form")),
		chromedp.SendKeys(tid("username-input"), username),
		chromedp.SendKeys(tid("password-input"), password),
		chromedp.Click(tid("submit-button")),
	); err != nil {
		return err
	}
	return onDashboard(ctx)
}

// onDashboard waits until the dashboard shows, signed in as username.
func onDashboard(ctx context.Context) error {
	_, err := waitJS[bool](ctx, "the dashboard, signed in as "+username, `(() => {
		const user = document.querySelector('[data-testid="current-user"]');
		// The name follows a visually hidden "Signed in as ".
		const shown = [...(user?.childNodes ?? [])]
			.filter((n) => !n.classList?.contains('visually-hidden'))
			.map((n) => n.textContent).join('').trim();
		return location.pathname === '/' && shown === `+strconv.Quote(username)+` &&
			!!document.querySelector('[data-testid="purchase-list"]');
	})()`)
	return err
}

// chartsDrawn waits until both charts have rendered their data as shapes a
// person can see: a series path with an area, not just the "no data" text
// or a zero-width area (which is what a single minute of history draws).
func chartsDrawn(ctx context.Context) error {
	_, err := waitJS[bool](ctx, "both charts drawn with data", `(() => {
		const h = document.querySelector('[data-testid="history-chart"]');
		const s = document.querySelector('[data-testid="top-sellers-chart"]');
		const drawn = (el) => [...(el?.querySelectorAll('svg path') ?? [])]
			.some((p) => { const b = p.getBBox(); return b.width > 1 && b.height > 1 && p.getAttribute('fill') !== 'none'; });
		return window.__beatsChartsReady >= 2 &&
			+h?.dataset.points >= 2 && +s?.dataset.sellers > 0 &&
			drawn(h) && drawn(s);
	})()`)
	return err
}

// mapShaded waits until a country with purchases is filled differently from
// a country without any. The map's shapes load once it is near the screen:
// until they have, it is scrolled to, as a reader would.
func mapShaded(ctx context.Context) error {
	code, err := waitJS[string](ctx, "a shaded country on the map", `(() => {
		const map = document.querySelector('[data-testid="world-map"]');
		if (map && !map.querySelector('svg')) {
			map.scrollIntoView({ block: 'nearest' });
			return '';
		}
		const shapes = [...document.querySelectorAll('[data-testid="map-country"]')];
		const none = shapes.find((p) => +p.dataset.purchases === 0);
		if (!none || !(+document.querySelector('[data-testid="world-map"]')?.dataset.total > 0)) return '';
		const noneFill = getComputedStyle(none).fill;
		const shaded = shapes.find((p) => +p.dataset.purchases > 0 && getComputedStyle(p).fill !== noneFill);
		return shaded ? shaded.dataset.code : '';
	})()`)
	if err == nil && code == "" {
		err = fmt.Errorf("no shaded country")
	}
	return err
}

// searchKnown searches for the replayed artist and waits for its purchase.
// The search box must be empty (it is after a page load).
func searchKnown(ctx context.Context) error {
	if err := chromedp.Do(ctx,
		chromedp.WaitVisible(tid("search-input")),
		chromedp.SendKeys(tid("search-input"), knownArtist),
	); err != nil {
		return err
	}
	_, err := waitJS[bool](ctx, "the search to find "+knownArtist, `
		document.querySelector('[data-testid="search-status"]')?.dataset.state === 'done' &&
		[...document.querySelectorAll('[data-testid="search-result-row"]')].some((r) =>
			r.textContent.includes(`+strconv.Quote(knownArtist)+`) && r.textContent.includes(`+strconv.Quote(knownItem)+`))`)
	return err
}

// fits checks the page is as wide as the viewport (nothing makes a phone
// scroll sideways or zoom out) and that nothing hangs below the app (a
// positioned element escaping a scroll box leaves blank page to scroll to).
func (v viewport) fits(ctx context.Context) error {
	got, err := evalJS[string](ctx, "measuring the page", `(() => {
		const doc = document.documentElement;
		const app = document.getElementById('app').getBoundingClientRect().height;
		const wide = innerWidth !== `+strconv.Itoa(v.width)+` || doc.scrollWidth > innerWidth;
		const tall = doc.scrollHeight > Math.ceil(Math.max(app, innerHeight)) + 1;
		return wide || tall ? JSON.stringify({innerWidth, scrollWidth: doc.scrollWidth, scrollHeight: doc.scrollHeight, app, innerHeight}) : '';
	})()`)
	if err == nil && got != "" {
		err = fmt.Errorf("the page does not fit the %s viewport (%dx%d): %s", v.name, v.width, v.height, got)
	}
	return err
}

// screenshot saves the page once no purchase row's "new" highlight is
// running: purchases keep arriving while the test runs.
func screenshot(ctx context.Context, t *testing.T, dir, name string) error {
	if _, err := waitJS[bool](ctx, "the live list to settle", `
		!document.getAnimations().some((a) => a.animationName?.startsWith('row-new'))`); err != nil {
		return err
	}
	path, err := saveScreenshot(ctx, dir, name)
	if err == nil {
		t.Logf("screenshot: %s", path)
	}
	return err
}

// cookies are the tab's cookies for url, as a Go client sends them.
func cookies(ctx context.Context, url string) ([]*http.Cookie, error) {
	res, err := chromedp.Call(ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{url}})
	if err != nil {
		return nil, fmt.Errorf("reading cookies: %w", err)
	}
	var out []*http.Cookie
	for _, c := range res.Cookies {
		out = append(out, &http.Cookie{Name: c.Name, Value: c.Value})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("the signed-in tab has no cookies for %s", url)
	}
	return out, nil
}

// sessionEnded checks that the cookies the tab had while signed in no
// longer open a session: GET /account/me answers 401.
func sessionEnded(ctx context.Context, url string, session []*http.Cookie) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url+"/account/me", nil)
	if err != nil {
		return err
	}
	for _, c := range session {
		req.AddCookie(c)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("GET /account/me after logout: %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		return fmt.Errorf("GET /account/me with the old session cookie after logout = %d, want 401", resp.StatusCode)
	}
	return nil
}
