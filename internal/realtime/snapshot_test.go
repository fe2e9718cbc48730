package realtime

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/beatsbyredis/beats/internal/feed"
	"github.com/beatsbyredis/beats/internal/purchases"
	"github.com/beatsbyredis/beats/internal/redistest"
	"github.com/beatsbyredis/beats/internal/testwait"
)

// countingSnapshots is the real purchases.Reader, counting its calls and
// keeping what it was asked.
type countingSnapshots struct {
	*purchases.Reader
	topSellers atomic.Int64
	topN       atomic.Int64
	bucketMS   atomic.Int64
}

func (c *countingSnapshots) TopSellers(ctx context.Context, n int) (purchases.TopSellersChart, error) {
	c.topSellers.Add(1)
	c.topN.Store(int64(n))
	return c.Reader.TopSellers(ctx, n)
}

func (c *countingSnapshots) History(ctx context.Context, q purchases.HistoryQuery) ([]purchases.Point, error) {
	c.bucketMS.Store(q.BucketMS)
	return c.Reader.History(ctx, q)
}

// savePurchase stores a purchase through the real pipeline script, which
// also XADDs it to the live stream.
func savePurchase(t *testing.T, rdb redis.UniversalClient, artist string, usd float64) purchases.Purchase {
	t.Helper()
	ctx := context.Background()
	if err := purchases.EnsureIndex(ctx, rdb); err != nil {
		t.Fatal(err)
	}
	if err := purchases.EnsureSeries(ctx, rdb, (24 * time.Hour).Milliseconds()); err != nil {
		t.Fatal(err)
	}
	now := float64(time.Now().UnixMilli()) / 1000
	p := purchases.Normalize(feed.Item{
		UTCDate: now, ArtistName: artist, ItemType: "a", ItemDescription: "Album",
		Currency: "USD", AmountPaid: usd, ItemPrice: usd, AmountPaidUSD: usd,
		Country: "Japan", CountryCode: "jp", URL: "//" + artist + ".bandcamp.com/album/x",
		AmountPaidFmt: "$1", ArtURL: "null",
	})
	if ok, err := purchases.NewSaver(rdb, 24*time.Hour).Save(ctx, p); err != nil || !ok {
		t.Fatalf("Save = %v, %v", ok, err)
	}
	return p
}

// snapshot is the decoded snapshot message.
type snapshot struct {
	TopSellers struct {
		Labels []string  `json:"labels"`
		Series []float64 `json:"series"`
	} `json:"topSellers"`
	PurchaseHistory []struct {
		X int64   `json:"x"`
		Y float64 `json:"y"`
	} `json:"purchaseHistory"`
}

// readSnapshot skips other messages until a snapshot arrives within d.
func readSnapshot(t *testing.T, msgs func(time.Duration) message, d time.Duration) snapshot {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		msg := msgs(time.Until(deadline))
		if _, ok := msg["topSellers"]; !ok {
			continue
		}
		if len(msg) != 2 || msg["purchaseHistory"] == nil {
			t.Fatalf("snapshot keys = %v, want topSellers and purchaseHistory", keys(msg))
		}
		b, _ := json.Marshal(msg)
		var s snapshot
		if err := json.Unmarshal(b, &s); err != nil {
			t.Fatalf("decode snapshot: %v", err)
		}
		return s
	}
}

func TestWelcomeIsFeedStatusThenSnapshot(t *testing.T) {
	rdb := redistest.New(t)
	savePurchase(t, rdb, "Gore", 12.5)
	live, srv := startLive(t, Options{
		Redis: rdb, Snapshots: purchases.NewReader(rdb),
		Feed: func(context.Context) (feed.Status, error) {
			return feed.Status{Mode: "replay", Running: true, Healthy: true, Since: 1000}, nil
		},
	})
	testwait.Until(t, 5*time.Second, "the first feed status", func() bool { return live.feed.cached() != nil })
	testwait.Until(t, 5*time.Second, "the first snapshot", func() bool { return live.Stats().Snapshots >= 1 })
	conn := dial(t, srv, nil)

	first := readMessage(t, conn, time.Second)
	want := `{"mode":"replay","running":true,"healthy":true,"lastSaleAt":null,"lastError":null,"since":1000}`
	if string(first["feed"]) != want || len(first) != 1 {
		t.Fatalf(`first message = %s, want {"feed":%s}`, first["feed"], want)
	}
	snap := readSnapshot(t, func(d time.Duration) message { return readMessage(t, conn, d) }, time.Second)
	if !slices.Equal(snap.TopSellers.Labels, []string{"Gore"}) || !slices.Equal(snap.TopSellers.Series, []float64{12.5}) {
		t.Fatalf("topSellers = %+v, want Gore 12.5", snap.TopSellers)
	}
	if len(snap.PurchaseHistory) != 1 || snap.PurchaseHistory[0].Y != 1 || snap.PurchaseHistory[0].X%60_000 != 0 {
		t.Fatalf("purchaseHistory = %+v, want one purchase in one minute bucket", snap.PurchaseHistory)
	}
}

// TestFeedStatusChangeIsBroadcast: a client hears at once that the feed
// failed, and is not told of each new lastSaleAt.
func TestFeedStatusChangeIsBroadcast(t *testing.T) {
	rdb := redistest.New(t)
	var current atomic.Pointer[feed.Status]
	set := func(st feed.Status) { current.Store(&st) }
	sale := int64(5000)
	set(feed.Status{Mode: "live", Running: true, Healthy: true, Since: 1000})
	live, srv := startLive(t, Options{
		Redis:     rdb,
		FeedEvery: 20 * time.Millisecond,
		Feed:      func(context.Context) (feed.Status, error) { return *current.Load(), nil },
	})
	testwait.Until(t, 5*time.Second, "the first feed status", func() bool { return live.feed.cached() != nil })
	conn := dial(t, srv, nil)
	if first := readMessage(t, conn, time.Second); !strings.Contains(string(first["feed"]), `"healthy":true`) {
		t.Fatalf("welcome = %s", first["feed"])
	}

	set(feed.Status{Mode: "live", Running: true, Healthy: true, Since: 1000, LastSaleAt: &sale})
	testwait.Until(t, 5*time.Second, "the new sale read", func() bool {
		return strings.Contains(live.feed.cachedJSON(), `"lastSaleAt":5000`)
	})
	msg := "Bandcamp unreachable"
	set(feed.Status{Mode: "live", Running: true, Healthy: false, Since: 9000, LastSaleAt: &sale, LastError: &msg})
	got := readMessage(t, conn, 2*time.Second)
	want := `{"mode":"live","running":true,"healthy":false,"lastSaleAt":5000,"lastError":"Bandcamp unreachable","since":9000}`
	if string(got["feed"]) != want {
		t.Fatalf("after the failure: %s, want %s", got["feed"], want)
	}
}

// TestSnapshotIsBuiltOncePerPeriodForAllClients: clients share the cached
// snapshot rather than each costing Redis queries.
func TestSnapshotIsBuiltOncePerPeriodForAllClients(t *testing.T) {
	rdb := redistest.New(t)
	savePurchase(t, rdb, "Gore", 12)
	src := &countingSnapshots{Reader: purchases.NewReader(rdb)}
	live, srv := startLive(t, Options{Redis: rdb, Snapshots: src, SnapshotEvery: time.Hour})
	testwait.Until(t, 5*time.Second, "the first snapshot", func() bool { return live.Stats().Snapshots == 1 })

	for range 5 {
		conn := dial(t, srv, nil)
		snap := readSnapshot(t, func(d time.Duration) message { return readMessage(t, conn, d) }, time.Second)
		if !slices.Equal(snap.TopSellers.Labels, []string{"Gore"}) {
			t.Fatalf("topSellers = %+v", snap.TopSellers)
		}
	}
	if got := src.topSellers.Load(); got != 1 {
		t.Fatalf("TopSellers called %d times for 5 clients, want 1", got)
	}
	// The same questions as /purchases/top-sellers and /purchases/history.
	if n, bucket := src.topN.Load(), src.bucketMS.Load(); n != 5 || bucket != 60_000 {
		t.Fatalf("asked TopSellers(%d), History(BucketMS %d); want 5 and 60000", n, bucket)
	}
}

// TestSnapshotIsRebroadcastEveryPeriod: a connected client sees a new
// top seller in a later snapshot without reconnecting.
func TestSnapshotIsRebroadcastEveryPeriod(t *testing.T) {
	rdb := redistest.New(t)
	savePurchase(t, rdb, "Gore", 12)
	_, srv := startLive(t, Options{Redis: rdb, Snapshots: purchases.NewReader(rdb), SnapshotEvery: 50 * time.Millisecond})
	conn := dial(t, srv, nil)
	read := func(d time.Duration) message { return readMessage(t, conn, d) }
	readSnapshot(t, read, time.Second)

	savePurchase(t, rdb, "Newcomer", 100)
	deadline := time.Now().Add(3 * time.Second)
	for {
		snap := readSnapshot(t, read, time.Until(deadline))
		if slices.Equal(snap.TopSellers.Labels, []string{"Newcomer", "Gore"}) {
			return
		}
	}
}

// TestNewClientNeverGetsAnOlderSnapshotThanREST: a page reads the charts
// over REST and then connects, between two broadcasts: the snapshot its
// socket brings must not be older than what it read, or it would replace
// the newer charts until the next broadcast. Clients that connect after the
// same purchases share one snapshot built for them.
func TestNewClientNeverGetsAnOlderSnapshotThanREST(t *testing.T) {
	rdb := redistest.New(t)
	savePurchase(t, rdb, "Early", 1)
	src := &countingSnapshots{Reader: purchases.NewReader(rdb)}
	live, srv := startLive(t, Options{Redis: rdb, Snapshots: src, SnapshotEvery: time.Hour})
	testwait.Until(t, 5*time.Second, "the first snapshot", func() bool { return live.Stats().Snapshots == 1 })

	savePurchase(t, rdb, "Late", 100)
	rest, err := purchases.NewReader(rdb).TopSellers(context.Background(), 5)
	if err != nil || !slices.Equal(rest.Labels, []string{"Late", "Early"}) {
		t.Fatalf("REST top sellers = %v, %v; want Late, Early", rest.Labels, err)
	}
	// The tailer relays a purchase as soon as it is stored, before a page
	// that read it could open its socket.
	testwait.Until(t, 5*time.Second, "Late relayed", func() bool { return live.Stats().Purchases == 1 })

	const clients = 5
	for range clients {
		conn := dial(t, srv, nil)
		snap := readSnapshot(t, func(d time.Duration) message { return readMessage(t, conn, d) }, 5*time.Second)
		if !slices.Equal(snap.TopSellers.Labels, rest.Labels) {
			t.Fatalf("a new client's snapshot has top sellers %v; REST answered %v before it connected", snap.TopSellers.Labels, rest.Labels)
		}
	}
	if n := src.topSellers.Load(); n != 2 {
		t.Fatalf("TopSellers asked %d times, want 2: the first snapshot, and one shared by the %d clients", n, clients)
	}
}
