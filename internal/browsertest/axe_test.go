package browsertest

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// axeScript is axe-core, a development dependency of web/ (`make web`
// installs it with the rest), relative to this package's directory.
const axeScript = "../../web/node_modules/axe-core/axe.min.js"

// requireAxe reads axe-core, or stops the test as requireUI does.
func requireAxe(t *testing.T) string {
	t.Helper()
	src, err := os.ReadFile(axeScript)
	if err != nil {
		unavailable(t, "the accessibility checks need axe-core (run `make web`): "+err.Error())
	}
	return string(src)
}

// axeViolation is the part of an axe-core result a failure message needs.
type axeViolation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

// noAxeViolations runs axe-core's default rules (WCAG 2 A and AA, and best
// practices) on the page and fails on any violation. The script is
// evaluated through DevTools, which the page's CSP does not govern.
func noAxeViolations(ctx context.Context, axe string) error {
	if _, err := evalJS[bool](ctx, "loading axe-core", `typeof axe === 'object' || (() => { `+axe+`; return true })()`); err != nil {
		return err
	}
	out, err := chromedp.Run(ctx, chromedp.Evaluate[string](`axe.run(document, { resultTypes: ['violations'] }).then((r) =>
		JSON.stringify(r.violations.map((v) => ({
			id: v.id, impact: v.impact, help: v.help,
			nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ') + ': ' + (n.failureSummary || '').replace(/\s+/g, ' ').slice(0, 200)),
		}))))`, chromedp.EvalAwaitPromise))
	if err != nil {
		return fmt.Errorf("running axe-core: %w", err)
	}
	var violations []axeViolation
	if err := json.Unmarshal([]byte(out), &violations); err != nil {
		return fmt.Errorf("reading axe-core's answer %q: %w", out, err)
	}
	if len(violations) == 0 {
		return nil
	}
	var b strings.Builder
	for _, v := range violations {
		fmt.Fprintf(&b, "\n  %s (%s): %s", v.ID, v.Impact, v.Help)
		for _, n := range v.Nodes {
			fmt.Fprintf(&b, "\n    %s", n)
		}
	}
	return fmt.Errorf("axe-core found %d violation(s):%s", len(violations), b.String())
}
