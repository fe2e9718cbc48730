// Package browsertest drives the real dashboard in headless Chromium against
// the real server and a fresh Redis Stack: register, watch purchases arrive,
// charts and map draw, search, reload, log out. It has only tests; the
// screenshots it takes go to test-artifacts/ at the repository root.
//
// It needs Debian's Chromium at /usr/bin/chromium (`make chromium`) and the
// built front end (`make web`). Without either the tests skip, or fail when
// the environment variable CI is set, so CI never passes by skipping.
package browsertest
