package browsertest

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// markup is text from the feed that a page would act on if it were ever
// taken as HTML: a redirect, scripts in attributes, a script element, plain
// formatting. Each is an artist, the title of what they sold and the name of
// the buyer's country. (None has a ':', which artist names lose: the
// contract stores it as ';'.)
var markup = []string{
	`<meta http-equiv="refresh" content="0;url=//evil.example/x">`,
	`<img src=x onerror=alert(1)>`,
	`<b>bold</b>`,
	`<script>window.__pwned=1</script>`,
	`<svg onload=alert(1)><a href="//evil.example/x">x</a></svg>`,
}

// markupCountries are the real countries the markup-named ones are, so
// the map shades them.
var markupCountries = []string{"jp", "de", "fr", "br", "ca"}

// markupReplay writes a feed recording whose purchases are named with
// markup, the biggest first (so they are the top five), over the last few
// minutes. Their links are not Bandcamp pages.
func markupReplay(t *testing.T, end time.Time) string {
	t.Helper()
	links := []string{"//evil.example/album/x", "javascript:alert(1)", "https://artist.bandcamp.com@evil.example/album/x", "//evil.example", "data:text/html,<b>x</b>"}
	var out strings.Builder
	for i, name := range markup {
		at := float64(end.Unix()) - float64(40*(len(markup)-i))
		item := map[string]any{
			"utc_date": at, "artist_name": name, "item_type": "a", "item_description": name,
			"album_title": nil, "slug_type": "a", "track_album_slug_text": nil, "currency": "USD",
			"amount_paid": 900 - 100*i, "item_price": 900 - 100*i, "amount_paid_usd": 900 - 100*i,
			"country": name, "country_code": markupCountries[i], "art_id": 1000 + i, "releases": nil,
			"package_image_id": nil, "url": links[i], "amount_paid_fmt": fmt.Sprintf("$%d", 900-100*i),
			"art_url": "javascript:alert(1)",
		}
		answer := map[string]any{
			"start_date": at - 1, "end_date": at + 1, "data_delay_sec": 120,
			"events": []any{map[string]any{"event_type": "sale", "utc_date": at, "items": []any{item}}},
		}
		line, err := json.Marshal(answer)
		if err != nil {
			t.Fatal(err)
		}
		out.Write(append(line, '\n'))
	}
	path := filepath.Join(t.TempDir(), "markup-feed.jsonl")
	if err := os.WriteFile(path, []byte(out.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestMarkupFromTheFeedIsText feeds purchases named with markup into every
// view (the top five, its legend and tooltip, the sales chart's tooltip, the
// map's tooltip and top countries, the live list, search results) and checks
// that each shows the names as text, that no element was made from them,
// that nothing links off Bandcamp, and that the page neither moved nor
// logged an error (a CSP violation is one).
func TestMarkupFromTheFeedIsText(t *testing.T) {
	requireChromium(t)
	requireUI(t)
	srv := startStillServer(t, markupReplay(t, time.Now()), len(markup))
	b := newBrowser(t)
	var home string

	quoted := make([]string, len(markup))
	for i, m := range markup {
		quoted[i] = strconv.Quote(m)
	}
	names := "[" + strings.Join(quoted, ",") + "]"
	// Every name shown in full, as text, in the element with this test id.
	showsAll := func(testID string) string {
		return `(() => { const text = document.querySelector('[data-testid="` + testID + `"]')?.textContent ?? '';
			return ` + names + `.every((n) => text.includes(n)); })()`
	}

	runSteps(t, b, []step{
		{"register and land on the dashboard", func(ctx context.Context) error {
			if err := register(ctx, srv.URL); err != nil {
				return err
			}
			var err error
			home, err = evalJS[string](ctx, "the page's address", `location.href`)
			return err
		}},
		{"the top five, its legend, the live list and the map show the names as text", func(ctx context.Context) error {
			for _, id := range []string{"top-sellers-legend", "purchase-list", "map-top-countries"} {
				if _, err := waitJS[bool](ctx, id+" to show every name as text", showsAll(id)); err != nil {
					return err
				}
			}
			label, err := evalJS[string](ctx, "the top five's description", `document.querySelector('[data-testid="top-sellers-chart"]').getAttribute('aria-label')`)
			if err == nil && !strings.Contains(label, markup[0]) {
				err = fmt.Errorf("the top five's description %q does not name %q", label, markup[0])
			}
			return err
		}},
		{"the top five's tooltip", func(ctx context.Context) error {
			if err := chromedp.Do(ctx, chromedp.Focus(tid("top-sellers-chart")), chromedp.KeyEvent(kb.Home)); err != nil {
				return err
			}
			_, err := waitJS[bool](ctx, "the tooltip to name the top seller as text", `(() => {
				const title = document.querySelector('[data-testid="top-sellers-tooltip"] .beats-tip-title');
				return title?.textContent === `+quoted[0]+` && title.children.length === 0;
			})()`)
			return err
		}},
		{"the sales chart's tooltip", func(ctx context.Context) error {
			_, err := historyTooltipByKeyboard(ctx)
			return err
		}},
		{"the map's tooltip", func(ctx context.Context) error {
			for i, code := range markupCountries {
				if _, err := evalJS[bool](ctx, "focusing "+code, `document.querySelector('[data-testid="map-country"][data-code="`+code+`"]').focus(), true`); err != nil {
					return err
				}
				if _, err := waitJS[bool](ctx, "the map's tooltip to name "+code+" as text", `(() => {
					const title = document.querySelector('[data-testid="map-tooltip"] .beats-tip-title');
					return title?.textContent === `+quoted[i]+` && title.children.length === 0;
				})()`); err != nil {
					return err
				}
			}
			return nil
		}},
		{"search results", func(ctx context.Context) error {
			if err := chromedp.Do(ctx, chromedp.SendKeys(tid("search-input"), "bold")); err != nil {
				return err
			}
			_, err := waitJS[bool](ctx, "the search to show <b>bold</b> as text", `
				document.querySelector('[data-testid="search-status"]')?.dataset.state === 'done' &&
				[...document.querySelectorAll('[data-testid="search-result-row"]')].some((r) => r.textContent.includes('<b>bold</b>'))`)
			return err
		}},
		{"nothing was made from the names, nothing links off Bandcamp, the page stayed", func(ctx context.Context) error {
			got, err := evalJS[string](ctx, "looking for elements made from the names", `JSON.stringify({
				made: [...document.querySelectorAll('meta[http-equiv], img[src="x"], b, script:not([src]), [onerror], [onload], svg a, a[href^="javascript:"]')]
					.map((e) => e.outerHTML.slice(0, 120)),
				links: [...document.querySelectorAll('a[href]')].map((a) => a.href)
					.filter((h) => !h.startsWith(location.origin) && !/^https:\/\/[a-z0-9-]+\.bandcamp\.com\//.test(h)),
				href: location.href,
				pwned: window.__pwned ?? null,
			})`)
			if err != nil {
				return err
			}
			var page struct {
				Made, Links []string
				Href        string
				Pwned       any
			}
			if err := json.Unmarshal([]byte(got), &page); err != nil {
				return err
			}
			if len(page.Made) > 0 || len(page.Links) > 0 || page.Href != home || page.Pwned != nil {
				return fmt.Errorf("made from the names: %q; links off Bandcamp: %q; address %s (was %s); window.__pwned = %v",
					page.Made, page.Links, page.Href, home, page.Pwned)
			}
			return nil
		}},
	})
}
