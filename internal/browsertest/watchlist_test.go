package browsertest

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/beatsbyredis/beats/internal/apptest"
	"github.com/beatsbyredis/beats/internal/redistest"
)

// watchedCountry is the synthetic feed's commonest buyers' country (about
// a third of its purchases), so at 5 purchases a second a match comes soon.
const watchedCountry = "United States"

// TestWatchlistAlert adds a term in the watchlist panel and sees a toast
// for a live purchase that matches it, the match in the panel's list, a
// browser notification once the tab is hidden (with the browser's side
// stood in for), and a "watch this" button on a live row adding its artist.
func TestWatchlistAlert(t *testing.T) {
	requireChromium(t)
	requireUI(t)
	srv := apptest.Start(t, redistest.Server(t).URL(), "--feed", "synthetic:5")
	b := newBrowser(t)
	shots := artifactsDir(t)

	runSteps(t, b, []step{
		{"register and wait for the live socket", func(ctx context.Context) error {
			if err := register(ctx, srv.URL); err != nil {
				return err
			}
			_, err := waitJS[bool](ctx, "the socket to be live and the watchlist loaded", `
				document.querySelector('[data-testid="connection-indicator"]')?.dataset.state === 'live' &&
				!!document.querySelector('[data-testid="watch-matches-empty"]')`)
			return err
		}},
		{"add a term and see it listed", func(ctx context.Context) error {
			if err := chromedp.Do(ctx,
				chromedp.SendKeys(tid("watch-input"), watchedCountry),
				chromedp.Click(tid("watch-add")),
			); err != nil {
				return err
			}
			_, err := waitJS[bool](ctx, "the term in the list", `
				[...document.querySelectorAll('[data-testid="watch-term"]')].some((li) => li.textContent.includes(`+strconv.Quote(watchedCountry)+`)) &&
				document.querySelector('[data-testid="watch-input"]').value === ''`)
			return err
		}},
		{"see a toast for a matching purchase", func(ctx context.Context) error {
			text, err := waitJS[string](ctx, "a match toast", `
				[...document.querySelectorAll('[data-testid="watch-toast"][data-kind="match"]')].map((t) => t.textContent).join(' | ')`)
			if err != nil {
				return err
			}
			if !strings.Contains(text, watchedCountry) {
				return fmt.Errorf("toast %q does not name %s", text, watchedCountry)
			}
			t.Logf("toast: %s", strings.Join(strings.Fields(text), " "))
			_, err = waitJS[bool](ctx, "the match in the panel", `
				[...document.querySelectorAll('[data-testid="watch-match"]')].some((m) => m.textContent.includes(`+strconv.Quote(watchedCountry)+`))`)
			if err != nil {
				return err
			}
			return screenshot(ctx, t, shots, "watchlist-toast-"+desktop.name)
		}},
		{"get a browser notification while the tab is hidden", func(ctx context.Context) error {
			// Headless Chromium shows no notifications and never hides the
			// tab: stand in for both, then allow notifications the way a
			// person does, with the panel's button.
			if _, err := evalJS[bool](ctx, "standing in for notifications", `
				window.__notes = [];
				window.Notification = function (title, opts) { window.__notes.push(title + ': ' + opts.body); };
				window.Notification.permission = 'default';
				window.Notification.requestPermission = async () => 'granted';
				Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
				true`); err != nil {
				return err
			}
			if err := chromedp.Do(ctx, chromedp.Click(tid("watch-notify"))); err != nil {
				return err
			}
			note, err := waitJS[string](ctx, "a notification", `window.__notes[0] || ''`)
			if err == nil && !strings.Contains(note, "Watching “"+watchedCountry+"”") {
				err = fmt.Errorf("notification %q", note)
			}
			_, _ = evalJS[bool](ctx, "showing the tab again", `delete document.hidden; true`)
			return err
		}},
		{"watch an artist from the live list", func(ctx context.Context) error {
			artist, err := waitJS[string](ctx, "a watch button on a live row", `(() => {
				const b = document.querySelector('[data-testid="purchase-row"] [data-testid="watch-button"][aria-pressed="false"]');
				if (!b) return '';
				b.click();
				return b.dataset.term;
			})()`)
			if err != nil {
				return err
			}
			_, err = waitJS[bool](ctx, artist+" in the watchlist", `
				[...document.querySelectorAll('[data-testid="watch-term"]')].some((li) => li.textContent.includes(`+strconv.Quote(artist)+`)) &&
				[...document.querySelectorAll('[data-testid="watch-button"]')].filter((b) => b.dataset.term === `+strconv.Quote(artist)+`).every((b) => b.getAttribute('aria-pressed') === 'true')`)
			return err
		}},
		{"desktop layout", desktop.fits},
	})
}
