package browsertest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
)

// viewport is a screen size the dashboard is checked and photographed at.
type viewport struct {
	name          string
	width, height int
	mobile        bool // a phone: mobile layout viewport and touch
}

var (
	desktop = viewport{name: "desktop", width: 1366, height: 900}
	phone   = viewport{name: "phone", width: 375, height: 812, mobile: true}
	wide    = viewport{name: "wide", width: 1920, height: 1080}
)

func (v viewport) emulate() chromedp.Action[chromedp.Void] {
	var opts []chromedp.EmulateViewportOption
	if v.mobile {
		opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch)
	}
	return chromedp.EmulateViewport(int64(v.width), int64(v.height), opts...)
}

// artifactsDir is <repo>/test-artifacts (git-ignored), where screenshots go
// for a person to look at. The repository root is the nearest go.mod.
func artifactsDir(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's directory")
		}
		dir = parent
	}
	out := filepath.Join(dir, "test-artifacts")
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	return out
}

// saveScreenshot writes a full-page PNG of the tab to dir/name.png.
func saveScreenshot(ctx context.Context, dir, name string) (string, error) {
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		return "", fmt.Errorf("screenshot %s: %w", name, err)
	}
	path := filepath.Join(dir, name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		return "", fmt.Errorf("screenshot %s: %w", name, err)
	}
	return path, nil
}
