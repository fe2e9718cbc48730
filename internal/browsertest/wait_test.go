package browsertest

import (
	"context"
	"fmt"
	"time"

	"github.com/chromedp/chromedp"
)

// tid selects an element by its data-testid (web/README.md lists them).
func tid(id string) chromedp.CSS {
	return chromedp.CSS(`[data-testid="` + id + `"]`)
}

// waitJS polls expr in the page until it is truthy and returns its value.
// The deadline is ctx's: every step runs with one, never a blind sleep.
func waitJS[T any](ctx context.Context, what, expr string) (T, error) {
	v, err := chromedp.Run(ctx, chromedp.Poll[T](expr, chromedp.WithPollingInterval(50*time.Millisecond)))
	if err != nil {
		return v, fmt.Errorf("waiting for %s: %w", what, err)
	}
	return v, nil
}

// evalJS evaluates expr once.
func evalJS[T any](ctx context.Context, what, expr string) (T, error) {
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		return v, fmt.Errorf("%s: %w", what, err)
	}
	return v, nil
}

// pageStateJS sums up what the page shows, for failure messages: a timeout
// alone does not say which part of a condition was false.
const pageStateJS = `(() => {
  const q = (id) => document.querySelector('[data-testid="' + id + '"]');
  const countries = [...document.querySelectorAll('[data-testid="map-country"]')]
    .filter((p) => +p.dataset.purchases > 0).map((p) => p.dataset.code + '=' + p.dataset.purchases);
  return JSON.stringify({
    url: location.href,
    title: document.title,
    user: q('current-user')?.textContent.trim() ?? null,
    connection: q('connection-indicator')?.dataset.state ?? null,
    feed: q('feed-badge')?.dataset.mode ?? null,
    rows: document.querySelectorAll('[data-testid="purchase-row"]').length,
    chartsReady: window.__beatsChartsReady ?? null,
    chartUpdates: window.__beatsChartsUpdates ?? null,
    range: q('range-picker') ? q('range-picker').dataset.kind + ' ' + q('range-picker').dataset.preset + ': ' + q('range-status')?.textContent.trim() : null,
    headline: [...document.querySelectorAll('[data-testid="headline-number"]')].map((n) => n.dataset.name + '=' + n.textContent.trim()).join(' '),
    historyPoints: q('history-chart')?.dataset.points ?? null,
    sellers: q('top-sellers-chart')?.dataset.sellers ?? null,
    mapTotal: q('world-map')?.dataset.total ?? null,
    countries: countries.slice(0, 10),
    search: q('search-status') ? q('search-status').dataset.state + ': ' + q('search-status').textContent.trim() : null,
    searchRows: document.querySelectorAll('[data-testid="search-result-row"]').length,
    formError: q('form-error')?.textContent.trim() ?? null,
  });
})()`

// pageState is pageStateJS's answer, or why there is none.
func pageState(tab context.Context) string {
	ctx, cancel := context.WithTimeout(tab, 3*time.Second)
	defer cancel()
	s, err := evalJS[string](ctx, "reading the page state", pageStateJS)
	if err != nil {
		return err.Error()
	}
	return s
}
