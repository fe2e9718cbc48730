package browsertest

import (
	"os"
	"testing"

	"github.com/beatsbyredis/beats/internal/webui"
)

// chromiumPath is Debian's Chromium; tests never use a browser that a tool
// downloads for itself.
const chromiumPath = "/usr/bin/chromium"

// requireChromium and requireUI stop the test when Chromium or the built
// dashboard is missing: a skip on a developer's machine, a failure under CI,
// where `make test` installs both first.
func requireChromium(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		unavailable(t, "browser tests need Chromium at "+chromiumPath+" (run `make chromium`): "+err.Error())
	}
}

func requireUI(t *testing.T) {
	t.Helper()
	if !webui.Built() {
		unavailable(t, "browser tests need the built dashboard, not the placeholder page (run `make web`)")
	}
}

func unavailable(t *testing.T, msg string) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}
