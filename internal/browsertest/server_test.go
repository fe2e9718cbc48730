package browsertest

import (
	"fmt"
	"testing"
	"time"

	"github.com/beatsbyredis/beats/internal/apptest"
	"github.com/beatsbyredis/beats/internal/redistest"
	"github.com/beatsbyredis/beats/internal/testwait"
)

// replayFile is a recorded real feed (264 purchases, among them "Girl Band"),
// relative to this package's directory.
const (
	replayFile      = "../../testdata/feed-2020-09-09.jsonl"
	replayPurchases = 264
)

// startDashboardServer gives the browser a server with both known and live
// data, on a fresh Redis Stack:
//   - first the recorded real feed, moved to the last few minutes (see
//     recentReplay) and played at full speed, so the charts, the map and
//     search have real purchases ("Girl Band") the moment the page loads;
//   - then, after that instance stops and frees the feed lease, a second
//     instance with the synthetic feed at 5 purchases a second, so purchases
//     arrive live.
//
// It returns once a live purchase is stored.
func startDashboardServer(t *testing.T) *apptest.Instance {
	t.Helper()
	live, _ := startDashboardServerOn(t)
	return live
}

// startDashboardServerOn is startDashboardServer that also returns the
// Redis URL, for tests that restart the app.
func startDashboardServerOn(t *testing.T) (*apptest.Instance, string) {
	t.Helper()
	redisSrv := redistest.Server(t)
	rdb := redistest.Connect(t, redisSrv.URL())

	preload := playReplay(t, redisSrv.URL(), recentReplay(t, time.Now()), replayPurchases)
	preload.Stop()

	live := apptest.Start(t, redisSrv.URL(), "--feed", "synthetic:5")
	testwait.UntilSeen(t, 20*time.Second, "the synthetic feed to store a purchase", func() (bool, string) {
		n := apptest.CountPurchases(t, rdb)
		return n > replayPurchases, fmt.Sprint("stored ", n, "; log: ", apptest.Tail(live.Logs.String(), 5))
	})
	return live, redisSrv.URL()
}

// playReplay starts an instance that plays the replay file at full speed with
// its own times, and returns it once the n purchases it holds are stored.
func playReplay(t *testing.T, redisURL, file string, n int) *apptest.Instance {
	t.Helper()
	rdb := redistest.Connect(t, redisURL)
	in := apptest.Start(t, redisURL, "--feed", "replay:"+file, "--speed", "0", "--keep-times")
	testwait.UntilSeen(t, 20*time.Second, "the replay to store every purchase", func() (bool, string) {
		got := apptest.CountPurchases(t, rdb)
		return got == n, fmt.Sprint("stored ", got, " of ", n)
	})
	return in
}
