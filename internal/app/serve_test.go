package app_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/beatsbyredis/beats/internal/apptest"
	"github.com/beatsbyredis/beats/internal/feedtest"
	"github.com/beatsbyredis/beats/internal/purchases"
	"github.com/beatsbyredis/beats/internal/redistest"
	"github.com/beatsbyredis/beats/internal/testwait"
)

const replayFile = "../../testdata/feed-2020-09-09.jsonl"

// TestReplayStoresEveryPurchaseOnce is the definition of done:
// the recorded file at full speed stores all 264 purchases exactly once,
// and starting it again resumes where the stored data ends: it publishes
// nothing again (it used to publish the whole file once more).
func TestReplayStoresEveryPurchaseOnce(t *testing.T) {
	srv := redistest.Server(t)
	rdb := redistest.Connect(t, srv.URL())

	first := apptest.Start(t, srv.URL(), "--feed", "replay:"+replayFile, "--speed", "0")
	testwait.Until(t, 10*time.Second, "264 purchases", func() bool { return apptest.CountPurchases(t, rdb) == 264 })
	testwait.Until(t, 10*time.Second, "the stream to be stored", func() bool { return allStored(t, rdb) })
	before := counters(t, rdb)
	resp, err := http.Get(first.URL + "/readyz")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("/readyz = %v, %v", resp, err)
	}
	resp.Body.Close()
	first.Stop()

	second := apptest.Start(t, srv.URL(), "--feed", "replay:"+replayFile, "--speed", "0")
	testwait.Until(t, 10*time.Second, "the second replay to finish", func() bool {
		return strings.Contains(second.Logs.String(), "source finished")
	})
	testwait.Until(t, 10*time.Second, "the second replay to be stored", func() bool { return allStored(t, rdb) })
	if n := apptest.CountPurchases(t, rdb); n != 264 {
		t.Errorf("after a second replay: %d purchases, want 264", n)
	}
	if !strings.Contains(second.Logs.String(), "sales_left=0") {
		t.Errorf("the second start did not resume at the end of the file:\n%s", apptest.Tail(second.Logs.String(), 20))
	}
	if n := rdb.XLen(context.Background(), purchases.Stream).Val(); n != 264 {
		t.Errorf("the stream got %d entries in all, want the 264 of one replay", n)
	}
	if after := counters(t, rdb); after != before {
		t.Errorf("counters changed on replay:\n before %+v\n after  %+v", before, after)
	}
}

// allStored: the group has read every entry and acknowledged them all.
func allStored(t *testing.T, rdb *redis.Client) bool {
	groups, err := rdb.XInfoGroups(context.Background(), purchases.Stream).Result()
	if err != nil {
		t.Fatal(err)
	}
	return len(groups) == 1 && groups[0].Lag == 0 && groups[0].Pending == 0 && groups[0].EntriesRead > 0
}

// tally is everything a purchase counts in.
type tally struct {
	topSellers string
	sales      float64
	live       int64
}

func counters(t *testing.T, rdb *redis.Client) tally {
	ctx := context.Background()
	top := rdb.ZRevRangeWithScores(ctx, purchases.TopSellers, 0, -1).Val()
	samples, err := rdb.TSRange(ctx, purchases.SalesSeries, 0, int(time.Now().Add(time.Hour).UnixMilli())).Result()
	if err != nil {
		t.Fatal(err)
	}
	var sales float64
	for _, s := range samples {
		sales += s.Value
	}
	if sales != 264 {
		t.Errorf("sales_ts counts %v purchases, want 264", sales)
	}
	return tally{topSellers: fmt.Sprint(top), sales: sales, live: rdb.XLen(ctx, purchases.LiveStream).Val()}
}

// TestFeedRunsOnceAcrossInstances starts two instances on one Redis: only
// one runs the feed; when it stops, the other takes over.
func TestFeedRunsOnceAcrossInstances(t *testing.T) {
	srv := redistest.Server(t)
	a := apptest.Start(t, srv.URL(), "--feed", "synthetic:20")
	testwait.Until(t, 10*time.Second, "a to run the feed", func() bool { return strings.Contains(a.Logs.String(), "feed: running") })
	b := apptest.Start(t, srv.URL(), "--feed", "synthetic:20")
	// b tries for the lease every second: give it a few tries.
	for deadline := time.Now().Add(2500 * time.Millisecond); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if strings.Contains(b.Logs.String(), "feed: running") {
			t.Fatal("both instances run the feed")
		}
	}
	a.Stop()
	testwait.Until(t, 10*time.Second, "b to take over the feed", func() bool { return strings.Contains(b.Logs.String(), "feed: running") })
}

// TestServingOnlyInstanceLeavesStoringToOthers: an instance started with
// --consumers 0 runs the feed but never reads the purchase stream; another
// instance stores what it publishes.
func TestServingOnlyInstanceLeavesStoringToOthers(t *testing.T) {
	srv := redistest.Server(t)
	rdb := redistest.Connect(t, srv.URL())
	ctx := context.Background()
	web := apptest.Start(t, srv.URL(), "--feed", "synthetic:50", "--consumers", "0")
	testwait.Until(t, 10*time.Second, "the serving-only instance to publish", func() bool { return rdb.XLen(ctx, purchases.Stream).Val() >= 10 })

	store := apptest.Start(t, srv.URL(), "--feed", "synthetic:50")
	testwait.Until(t, 10*time.Second, "the other instance to store purchases", func() bool { return apptest.CountPurchases(t, rdb) >= 10 })
	consumers, err := rdb.XInfoConsumers(ctx, purchases.Stream, purchases.ConsumerGroup).Result()
	if err != nil {
		t.Fatal(err)
	}
	if len(consumers) != 2 {
		t.Fatalf("group has consumers %v, want the storing instance's 2 only", consumers)
	}
	if !strings.Contains(web.Logs.String(), "feed: running") || strings.Contains(store.Logs.String(), "feed: running") {
		t.Fatal("want the feed on the serving-only instance, which started first")
	}
}

// TestRetimedReplayKeepsEveryPurchaseInTheHistory replays, at full speed, the
// recording with its last four answers moved three days later (a recorder
// off for days). Every purchase is stored, dated no later than now, and
// counted in the history: before, 130 of the 264 were dated three days
// ahead and left out of it.
func TestRetimedReplayKeepsEveryPurchaseInTheHistory(t *testing.T) {
	srv := redistest.Server(t)
	rdb := redistest.Connect(t, srv.URL())
	ctx := context.Background()
	lines := strings.Split(strings.TrimSpace(string(mustRead(t, replayFile))), "\n")
	for i := 4; i < len(lines); i++ {
		lines[i] = string(feedtest.ShiftTimes(t, []byte(lines[i]), 3*86400))
	}
	path := filepath.Join(t.TempDir(), "gap.jsonl")
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	apptest.Start(t, srv.URL(), "--feed", "replay:"+path, "--speed", "0")
	testwait.Until(t, 10*time.Second, "264 purchases", func() bool { return apptest.CountPurchases(t, rdb) == 264 })
	testwait.Until(t, 10*time.Second, "the stream to be stored", func() bool { return allStored(t, rdb) })
	counters(t, rdb) // the history sums to 264
	newest, err := rdb.Do(ctx, "FT.SEARCH", purchases.IndexAlias, "*", "SORTBY", "utc_date_raw", "DESC",
		"LIMIT", "0", "1", "RETURN", "1", "utc_date_raw", "DIALECT", "2").Slice()
	if err != nil {
		t.Fatal(err)
	}
	if at, _ := strconv.ParseFloat(fmt.Sprint(newest[2].([]any)[1]), 64); at > float64(time.Now().Unix())+1 {
		t.Errorf("the newest purchase is dated %.0f s ahead of now", at-float64(time.Now().Unix()))
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
