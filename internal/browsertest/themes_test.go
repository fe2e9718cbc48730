package browsertest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/beatsbyredis/beats/internal/apptest"
	"github.com/beatsbyredis/beats/internal/redistest"
)

// TestThemes shows the dashboard at a phone's, a laptop's and a wall
// screen's width, in the light and the dark theme as the system asks for
// them: each must fit, wear its theme down to the charts, pass axe-core, and
// is photographed to test-artifacts/dashboard-<width>-<theme>.png. The
// server only replays the recorded feed, so the page holds still for axe-core
// and the camera.
func TestThemes(t *testing.T) {
	requireChromium(t)
	requireUI(t)
	axe := requireAxe(t)
	srv := startStillServer(t, recentReplay(t, time.Now()), replayPurchases)
	b := newBrowser(t)
	shots := artifactsDir(t)

	steps := []step{
		{"the register page in both themes", func(ctx context.Context) error {
			if err := chromedp.Do(ctx, phone.emulate(), chromedp.Navigate(srv.URL+"/register"), chromedp.WaitVisible(tid("register-form"))); err != nil {
				return err
			}
			for _, scheme := range []string{"light", "dark"} {
				if err := themedPage(ctx, t, scheme, axe, shots, fmt.Sprintf("register-%d-%s", phone.width, scheme)); err != nil {
					return err
				}
			}
			return chromedp.Do(ctx, emulateMedia("light"))
		}},
		{"register and land on the dashboard", func(ctx context.Context) error { return register(ctx, srv.URL) }},
	}
	for _, scheme := range []string{"light", "dark"} {
		for _, v := range []viewport{phone, desktop, wide} {
			steps = append(steps, step{fmt.Sprintf("%s theme at %d px", scheme, v.width), themedScreenshot(t, v, scheme, axe, shots)})
		}
	}
	runSteps(t, b, steps)
}

// startStillServer stores the n purchases of a replay file, then serves them
// from an instance that plays the same file again: every purchase is stored
// already, so nothing new arrives while the test looks. (The instance that
// stored them is stopped first: its chart snapshot, cached for new clients,
// was taken before the replay had stored anything.)
func startStillServer(t *testing.T, file string, n int) *apptest.Instance {
	t.Helper()
	redisSrv := redistest.Server(t)
	playReplay(t, redisSrv.URL(), file, n).Stop()
	return apptest.Start(t, redisSrv.URL(), "--feed", "replay:"+file, "--speed", "0", "--keep-times")
}
