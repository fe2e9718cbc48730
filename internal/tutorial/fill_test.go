package tutorial_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/beatsbyredis/beats/internal/accounts"
	"github.com/beatsbyredis/beats/internal/feed"
	"github.com/beatsbyredis/beats/internal/ingest"
	"github.com/beatsbyredis/beats/internal/purchases"
)

// What fill stores, as the tutorial's pages name it.
const (
	// retention is the app's default --retention (720h).
	retention = 720 * time.Hour
	// recording is real feed data, replayed as the app's --feed replay does.
	recording = "../../testdata/feed-2020-09-09.jsonl"
	// fanName registers on the dashboard; the JSON page reads username:beatsfan.
	fanName     = "beatsfan"
	fanPassword = "correct horse battery staple"
	fanIP       = "127.0.0.1"
	// unread is how many sales the feed publishes after the pipeline
	// stopped, so XREADGROUP on the streams page finds new entries.
	unread = 3
	// maxKeys keeps the SCAN examples (COUNT 1000) to one page.
	maxKeys = 1000
)

// fill loads rdb the way the running app does: the feed publishes a replay
// of real sales and the contract's example purchase, the consumer group stores
// them, a fan registers and logs in. It returns the value of each
// placeholder the pages use.
func fill(t *testing.T, rdb *redis.Client) map[string]string {
	t.Helper()
	ctx := t.Context()
	prepare(t, rdb)
	ids := publishSales(t, rdb)
	storeAll(t, rdb, len(ids))
	publishUnread(t, rdb)
	values := register(t, rdb)

	recent, err := purchases.NewReader(rdb).Recent(ctx)
	if err != nil || len(recent) == 0 {
		t.Fatalf("fill: newest purchase: %v (%d found)", err, len(recent))
	}
	values["id"] = recent[0].ID
	values["hour"] = strconv.FormatInt(purchases.BucketStart(recent[0].UTCDateRaw, purchases.HourMS), 10)
	first, err := rdb.XRangeN(ctx, purchases.Stream, "-", "+", 1).Result()
	if err != nil || len(first) == 0 {
		t.Fatalf("fill: first stream entry: %v", err)
	}
	values["entry-id"] = first[0].ID

	if n, err := rdb.DBSize(ctx).Result(); err != nil || n >= maxKeys {
		t.Fatalf("fill: %d keys (%v); the SCAN examples need fewer than %d to answer in one page", n, err, maxKeys)
	}
	return values
}

// prepare creates the index, the series and the consumer group, as the app
// does at start.
func prepare(t *testing.T, rdb *redis.Client) {
	t.Helper()
	ctx := t.Context()
	if err := purchases.EnsureIndex(ctx, rdb); err != nil {
		t.Fatalf("fill: %v", err)
	}
	if err := purchases.EnsureSeries(ctx, rdb, retention.Milliseconds()); err != nil {
		t.Fatalf("fill: %v", err)
	}
	if err := ingest.EnsureGroup(ctx, rdb); err != nil {
		t.Fatalf("fill: %v", err)
	}
}

// publishSales replays the recording (moved to now, at full speed) and the
// contract's example purchase into the stream; it returns the purchase ids.
func publishSales(t *testing.T, rdb *redis.Client) map[string]bool {
	t.Helper()
	ctx := t.Context()
	pub := ingest.NewPublisher(rdb)
	ids := map[string]bool{}
	publish := func(ctx context.Context, s feed.Sale) error {
		for _, it := range s.Items {
			id := it.ID
			if id == "" {
				id = feed.PurchaseID(it.UTCDate, it.URL)
			}
			ids[id] = true
		}
		return pub.Publish(ctx, s)
	}
	quiet := slog.New(slog.DiscardHandler)
	replay, err := feed.NewReplay(recording, feed.ReplayOptions{Logger: quiet})
	if err != nil {
		t.Fatalf("fill: %v", err)
	}
	if err := feed.Run(ctx, replay, 0, publish); err != nil {
		t.Fatalf("fill: replay: %v", err)
	}
	if err := publish(ctx, contractExampleSale(time.Now())); err != nil {
		t.Fatalf("fill: the contract's example: %v", err)
	}
	return ids
}

// contractExampleSale is the purchase the contract shows (𝐺𝑂𝑅𝐸's cassette), bought at at.
func contractExampleSale(at time.Time) feed.Sale {
	when := float64(at.UnixMicro()) / 1e6
	album, slug, image := "肉と血を超えて", "a", int64(33093824)
	return feed.Sale{UTCDate: when, Items: []feed.Item{{
		UTCDate: when, ArtistName: "𝐺𝑂𝑅𝐸", ItemType: "p", ItemDescription: "Limited Edition Cassette",
		AlbumTitle: &album, SlugType: &slug, Currency: "USD", AmountPaid: 12, ItemPrice: 12,
		AmountPaidUSD: 12, Country: "United States", CountryCode: "us", PackageImageID: &image,
		URL: "//celadonplaza.bandcamp.com/album/--12", AmountPaidFmt: "$12",
		ArtURL: "https://f4.bcbits.com/img/0033093824_37.jpg",
	}}}
}

// storeAll reads with a consumer of the group until want purchases are
// stored and every entry is acknowledged. It calls ReadOnce rather than Run
// so the consumer stays in the group, as a running instance's does.
func storeAll(t *testing.T, rdb *redis.Client, want int) {
	t.Helper()
	var stored atomic.Int64
	proc := ingest.NewProcessor(rdb, purchases.NewSaver(rdb, retention), ingest.ProcessorOptions{
		Consumer: "tutorial-test", Block: 50 * time.Millisecond,
		Stored: func(n int) { stored.Add(int64(n)) },
	})
	await(t, fmt.Sprintf("%d purchases stored and acknowledged", want), func() (bool, error) {
		if _, err := proc.ReadOnce(t.Context()); err != nil {
			return false, err
		}
		p, err := rdb.XPending(t.Context(), purchases.Stream, purchases.ConsumerGroup).Result()
		if err != nil {
			return false, err
		}
		return stored.Load() == int64(want) && p.Count == 0, nil
	})
}

// publishUnread adds a few synthetic sales that no consumer reads.
func publishUnread(t *testing.T, rdb *redis.Client) {
	t.Helper()
	ctx := t.Context()
	pub := ingest.NewPublisher(rdb)
	syn := feed.NewSynthetic(feed.SyntheticOptions{Seed: 7})
	for range unread {
		s, err := syn.Next(ctx)
		if err == nil {
			err = pub.Publish(ctx, s)
		}
		if err != nil {
			t.Fatalf("fill: synthetic sale: %v", err)
		}
	}
}

// register signs the fan up, fails one login (so the rate-limit counters
// show) and saves the login in a session, as the HTTP handlers do.
func register(t *testing.T, rdb *redis.Client) map[string]string {
	t.Helper()
	ctx := t.Context()
	svc, err := accounts.NewService(rdb, accounts.Options{Params: accounts.Params{MemoryKiB: 1024, Passes: 1, Lanes: 1}})
	if err != nil {
		t.Fatalf("fill: accounts: %v", err)
	}
	sess, err := svc.Register(ctx, fanIP, fanName, fanPassword)
	if err != nil {
		t.Fatalf("fill: register: %v", err)
	}
	if _, err := svc.Login(ctx, fanIP, fanName, "not the password"); !errors.Is(err, accounts.ErrInvalidCredentials) {
		t.Fatalf("fill: a wrong password: %v, want %v", err, accounts.ErrInvalidCredentials)
	}
	sm := accounts.NewSessionManager(rdb, false)
	sctx, err := sm.Load(ctx, "")
	if err != nil {
		t.Fatalf("fill: session: %v", err)
	}
	accounts.PutSession(sctx, sm, sess)
	if _, _, err := sm.Commit(sctx); err != nil {
		t.Fatalf("fill: session: %v", err)
	}
	keys, err := rdb.Keys(ctx, accounts.SessionPrefix+"*").Result()
	if err != nil || len(keys) != 1 {
		t.Fatalf("fill: session keys %v: %v", keys, err)
	}
	return map[string]string{
		"user-id":    sess.User.ID,
		"account-id": sess.Tokens.AccountID,
		"session-id": strings.TrimPrefix(keys[0], accounts.SessionPrefix),
	}
}

// await polls cond until it holds, failing t after a deadline.
func await(t *testing.T, what string, cond func() (bool, error)) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		ok, err := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s (last error: %v)", what, err)
		}
		select {
		case <-t.Context().Done():
			t.Fatalf("waiting for %s: %v", what, t.Context().Err())
		case <-tick.C:
		}
	}
}
