package browsertest

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// browser is one headless Chromium tab with its console watched.
type browser struct {
	ctx     context.Context // the tab; derive per-step deadlines from it
	console *consoleLog
}

// newBrowser starts Chromium with a fresh profile and opens a tab. The
// flags keep it off the network (this machine's network is closed: without
// them Chromium keeps trying Google's hosts) and out of the sandbox (tests
// may run as root).
func newBrowser(t *testing.T) *browser {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(desktop.width, desktop.height),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	console := &consoleLog{}
	// WithListener sees the tab's events from its very start, so no error
	// logged while the first page loads is missed.
	ctx, cancelTab := chromedp.NewContext(allocCtx, chromedp.WithListener(console.record))
	t.Cleanup(func() {
		// Close the browser gracefully, so it has stopped writing to its
		// profile before t.TempDir removes it.
		closeCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		_ = chromedp.Cancel(closeCtx)
		cancelTab()
		cancelAlloc()
	})

	// The first Do starts the browser and opens the tab, which then lives as
	// long as the context that Do gets: so ctx itself, not a child with a
	// deadline.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting %s: %v", chromiumPath, err)
	}
	startCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := chromedp.Do(startCtx, emulateMedia("light")); err != nil {
		t.Fatalf("emulating the media features: %v", err)
	}
	return &browser{ctx: ctx, console: console}
}

// emulateMedia makes the tab report the system's colour scheme ("light" or
// "dark"), and reduced motion: it turns off the list's enter transition (the
// charts turn their animations off under automation already), so
// screenshots show settled pages.
func emulateMedia(scheme string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{
				{Name: "prefers-reduced-motion", Value: "reduce"},
				{Name: "prefers-color-scheme", Value: scheme},
			},
		})
		return err
	})
}

// consoleLog collects what the page reports as an error: uncaught
// exceptions, console.error (and failed console.assert) calls, and the
// browser's own error entries (failed loads, CSP violations).
type consoleLog struct {
	mu       sync.Mutex
	errors   []string
	warnings []string
	expected map[*regexp.Regexp]bool // errors a test causes on purpose (see expect)
}

// expect makes errors that match any of patterns (regular expressions) not
// count, from now until done is called, or to the end of the test: a test
// that has the server refuse a request on purpose (a 400 for a bad
// password) gets the browser's "failed to load" for it, and one that stops
// the server gets its refused connections.
func (c *consoleLog) expect(patterns ...string) (done func()) {
	res := make([]*regexp.Regexp, len(patterns))
	for i, p := range patterns {
		res[i] = regexp.MustCompile(p)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.expected == nil {
		c.expected = make(map[*regexp.Regexp]bool)
	}
	for _, re := range res {
		c.expected[re] = true
	}
	return func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		for _, re := range res {
			delete(c.expected, re)
		}
	}
}

func (c *consoleLog) isExpected(msg string) bool {
	for re := range c.expected {
		if re.MatchString(msg) {
			return true
		}
	}
	return false
}

// record runs in the tab's event loop: it must return fast and send no
// command.
func (c *consoleLog) record(ev any) {
	var msg string
	warning := false
	switch ev := ev.(type) {
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		msg = "exception: " + d.Text
		if d.Exception != nil && d.Exception.Description != "" {
			msg += " " + d.Exception.Description
		}
		msg += fmt.Sprintf(" (%s:%d)", d.URL, d.LineNumber+1)
	case *runtime.EventConsoleAPICalled:
		switch ev.Type {
		case runtime.ConsoleAPICalledTypeError, runtime.ConsoleAPICalledTypeAssert:
		case runtime.ConsoleAPICalledTypeWarning:
			warning = true
		default:
			return
		}
		msg = "console." + string(ev.Type) + ": " + remoteArgs(ev.Args)
	case *log.EventEntryAdded:
		switch ev.Entry.Level {
		case log.EntryLevelError:
		case log.EntryLevelWarning:
			warning = true
		default:
			return
		}
		msg = fmt.Sprintf("browser %s %s: %s", ev.Entry.Source, ev.Entry.Level, ev.Entry.Text)
		if ev.Entry.URL != "" {
			msg += " (" + ev.Entry.URL + ")"
		}
	default:
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if warning {
		c.warnings = append(c.warnings, msg)
	} else if !c.isExpected(msg) {
		c.errors = append(c.errors, msg)
	}
}

func (c *consoleLog) Errors() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.errors...)
}

func (c *consoleLog) Warnings() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.warnings...)
}

// remoteArgs renders console arguments roughly as DevTools shows them.
func remoteArgs(args []*runtime.RemoteObject) string {
	parts := make([]string, 0, len(args))
	for _, a := range args {
		switch {
		case a.Type == runtime.RemoteObjectTypeString && len(a.Value) > 0:
			parts = append(parts, strings.Trim(string(a.Value), `"`))
		case a.Description != "":
			parts = append(parts, a.Description)
		case len(a.Value) > 0:
			parts = append(parts, string(a.Value))
		default:
			parts = append(parts, string(a.Type))
		}
	}
	return strings.Join(parts, " ")
}
