package browsertest

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// Steps of TestDashboard for the charts, the map and the theme: reached and
// read by keyboard, the map's click searching its country, the dark theme.

// visibleText is an expression for the text of the element with the given
// data-testid, or ” while it is missing or not shown.
func visibleText(testID string) string {
	return `(() => {
		const el = document.querySelector('[data-testid="` + testID + `"]');
		return el && el.getClientRects().length && getComputedStyle(el).visibility !== 'hidden' ? el.textContent.trim() : '';
	})()`
}

// historyTooltipByKeyboard focuses the sales chart and presses the left
// arrow: the tooltip shows a minute and its count, once.
func historyTooltipByKeyboard(ctx context.Context) (string, error) {
	if err := chromedp.Do(ctx, chromedp.Focus(tid("history-chart")), chromedp.KeyEvent(kb.ArrowLeft)); err != nil {
		return "", err
	}
	return waitJS[string](ctx, "the sales chart's tooltip, from the keyboard", visibleText("history-tooltip"))
}

// topSellerTooltipByKeyboard focuses the top five and presses End: the
// tooltip names the last seller of the legend.
func topSellerTooltipByKeyboard(ctx context.Context) (string, error) {
	if err := chromedp.Do(ctx, chromedp.Focus(tid("top-sellers-chart")), chromedp.KeyEvent(kb.End)); err != nil {
		return "", err
	}
	return waitJS[string](ctx, "the top five's tooltip, from the keyboard", `(() => {
		const rows = [...document.querySelectorAll('[data-testid="top-sellers-legend-row"] .name')];
		const tip = `+visibleText("top-sellers-tooltip")+`;
		return rows.length && tip.startsWith(rows[rows.length - 1].textContent) ? tip : '';
	})()`)
}

// chartsByKeyboard: both charts and the map are reached with the keyboard
// and show their figures; Tab goes from the top five, past its legend's
// buttons, to the map.
func chartsByKeyboard(t *testing.T) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		tip, err := historyTooltipByKeyboard(ctx)
		if err != nil {
			return err
		}
		t.Logf("sales chart tooltip: %q", tip)
		if _, err := waitJS[bool](ctx, "the tooltip to say the count and the revenue once", `/^\d\d:\d\d[^$]*\d+ purchases?( so far, at [\d:]+)?\$[\d,]+\.\d\d( so far)?$/s.test(`+visibleText("history-tooltip")+`)`); err != nil {
			return err
		}
		if tip, err = topSellerTooltipByKeyboard(ctx); err != nil {
			return err
		}
		t.Logf("top five tooltip: %q", tip)
		// Past the legend's "watch this" buttons, one a seller.
		buttons, err := evalJS[int](ctx, "counting the legend's buttons", `document.querySelectorAll('[data-testid="top-sellers-legend"] button').length`)
		if err != nil {
			return err
		}
		for range buttons + 1 {
			if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Tab)); err != nil {
				return err
			}
		}
		name, err := waitJS[string](ctx, "Tab to reach the map and show a country's figures", `(() => {
			const el = document.activeElement;
			const tip = `+visibleText("map-tooltip")+`;
			return el?.dataset.testid === 'map-country' && +el.dataset.purchases > 0 && tip.includes('purchase') ? tip : '';
		})()`)
		if err != nil {
			return err
		}
		t.Logf("map tooltip: %q", name)
		// The arrow keys move to another country with purchases.
		if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.ArrowRight)); err != nil {
			return err
		}
		_, err = waitJS[bool](ctx, "the right arrow to move to the next country", `(() => {
			const el = document.activeElement;
			return el?.dataset.testid === 'map-country' && +el.dataset.purchases > 0 && el.getAttribute('tabindex') === '0' &&
				`+visibleText("map-tooltip")+` !== `+strconv.Quote(name)+`;
		})()`)
		return err
	}
}

// mapSearchesCountry presses Enter on the focused country: the search box
// searches for it and finds its purchases.
func mapSearchesCountry(t *testing.T) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		name, err := evalJS[string](ctx, "the focused country", `document.activeElement?.dataset.testid === 'map-country' ?
			document.querySelector('[data-testid="map-tooltip"] .beats-tip-title')?.textContent ?? '' : ''`)
		if err != nil {
			return err
		}
		if name == "" {
			return fmt.Errorf("no country has focus")
		}
		if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Enter)); err != nil {
			return err
		}
		n, err := waitJS[int](ctx, "the search to find purchases from "+name, `(() => {
			const input = document.querySelector('[data-testid="search-input"]');
			const rows = [...document.querySelectorAll('[data-testid="search-result-row"]')];
			const done = document.querySelector('[data-testid="search-status"]')?.dataset.state === 'done';
			return input?.value === `+strconv.Quote(name)+` && done && rows.length &&
				rows.every((r) => r.textContent.includes(`+strconv.Quote(name)+`)) ? rows.length : 0;
		})()`)
		if err == nil {
			t.Logf("clicking %s found %d purchases", name, n)
		}
		return err
	}
}

// themeToggle: the toggle switches to the other theme, the choice outlives
// a reload, and the page follows the system's setting again once it is
// forgotten.
func themeToggle(ctx context.Context) error {
	theme := `document.documentElement.dataset.bsTheme`
	if _, err := waitJS[bool](ctx, "the light theme, as the system says", theme+` === 'light'`); err != nil {
		return err
	}
	if err := chromedp.Do(ctx, chromedp.Click(tid("theme-toggle"))); err != nil {
		return err
	}
	if _, err := waitJS[bool](ctx, "the dark theme after the toggle", theme+` === 'dark' &&
		document.querySelector('[data-testid="theme-toggle"]').getAttribute('aria-pressed') === 'true'`); err != nil {
		return err
	}
	if err := chromedp.Do(ctx, chromedp.Reload()); err != nil {
		return err
	}
	if err := onDashboard(ctx); err != nil {
		return err
	}
	if _, err := waitJS[bool](ctx, "the dark theme to outlive the reload", theme+` === 'dark' && localStorage.getItem('beats-theme') === 'dark'`); err != nil {
		return err
	}
	if err := chartsThemed(ctx); err != nil {
		return err
	}
	if err := chromedp.Do(ctx, chromedp.Click(tid("theme-toggle"))); err != nil {
		return err
	}
	if _, err := waitJS[bool](ctx, "the light theme after the toggle", theme+` === 'light' && localStorage.getItem('beats-theme') === 'light'`); err != nil {
		return err
	}
	// Forget the choice: the page follows the system again.
	if _, err := evalJS[bool](ctx, "forgetting the choice", `localStorage.removeItem('beats-theme'), true`); err != nil {
		return err
	}
	if err := chromedp.Do(ctx, chromedp.Reload()); err != nil {
		return err
	}
	return onDashboard(ctx)
}

// chartsThemed waits until the page and both charts wear the theme in use:
// the sales line and the first slice are drawn in the stylesheet's colours
// for it (the charts read them when the theme changes).
func chartsThemed(ctx context.Context) error {
	_, err := waitJS[bool](ctx, "the charts in the theme's colours", `(() => {
		const colour = (name) => {
			const probe = document.createElement('span');
			probe.style.color = 'var(' + name + ')';
			document.body.append(probe);
			const c = getComputedStyle(probe).color;
			probe.remove();
			return c;
		};
		const drawnIn = (id, prop, name) => [...document.querySelectorAll('[data-testid="' + id + '"] svg path')]
			.some((p) => getComputedStyle(p)[prop] === colour(name));
		return drawnIn('history-chart', 'stroke', '--beats-chart-line') && drawnIn('top-sellers-chart', 'fill', '--beats-chart-1');
	})()`)
	return err
}

// stylesSettled waits until no CSS transition or animation is running.
// Under reduced motion every property still transitions, for 0.01 ms
// (styles/main.css), and until the next frame an element reports its old
// colour: axe-core would check the theme before.
func stylesSettled(ctx context.Context) error {
	_, err := waitJS[bool](ctx, "the page's transitions to end", `document.getAnimations().length === 0`)
	return err
}

// axeStepTimeout replaces stepTimeout for a step that runs axe-core, which
// takes seconds, and many more while other work shares the CPU.
const axeStepTimeout = 60 * time.Second

// themedScreenshot shows the dashboard at v's size with the system in the
// given colour scheme, checks it fits and that axe-core finds nothing, and
// saves dashboard-<width>-<scheme>.png.
func themedScreenshot(t *testing.T, v viewport, scheme, axe, dir string) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), axeStepTimeout)
		defer cancel()
		if err := chromedp.Do(ctx, v.emulate()); err != nil {
			return err
		}
		return themedPage(ctx, t, scheme, axe, dir, fmt.Sprintf("dashboard-%d-%s", v.width, scheme),
			chartsDrawn, chartsThemed, mapShaded, v.fits)
	}
}

// themedPage puts the system in the given colour scheme, waits for the page
// to wear it and pass the checks, runs axe-core once transitions have ended,
// and saves a screenshot as name.png.
func themedPage(ctx context.Context, t *testing.T, scheme, axe, dir, name string, checks ...func(context.Context) error) error {
	if err := chromedp.Do(ctx, emulateMedia(scheme)); err != nil {
		return err
	}
	if _, err := waitJS[bool](ctx, "the "+scheme+" theme", `document.documentElement.dataset.bsTheme === `+strconv.Quote(scheme)); err != nil {
		return err
	}
	for _, check := range append(checks, stylesSettled) {
		if err := check(ctx); err != nil {
			return err
		}
	}
	start := time.Now()
	if err := noAxeViolations(ctx, axe); err != nil {
		return err
	}
	t.Logf("axe-core: no violations on %s (%s)", name, time.Since(start).Round(time.Millisecond))
	return screenshot(ctx, t, dir, name)
}
