package purchases

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/beatsbyredis/beats/internal/feed"
	"github.com/beatsbyredis/beats/internal/redistest"
)

// saveEffects is every effect a save may have, so a test can tell all of
// them from none.
type saveEffects struct {
	doc, ttl      bool
	score         float64
	samples, usd  int
	live, pending int64
}

func effectsOf(t *testing.T, rdb *redis.Client, p Purchase) saveEffects {
	t.Helper()
	ctx := context.Background()
	var e saveEffects
	e.doc = rdb.Exists(ctx, Key(p.ID)).Val() == 1
	e.ttl = rdb.TTL(ctx, Key(p.ID)).Val() > 0
	e.score, _ = rdb.ZScore(ctx, TopSellers, p.ArtistName).Result()
	for key, n := range map[string]*int{SalesSeries: &e.samples, RevenueSeries: &e.usd} {
		rows, _ := rdb.Do(ctx, "TS.RANGE", key, "-", "+").Slice()
		*n = len(rows)
	}
	e.live = rdb.XLen(ctx, LiveStream).Val()
	e.pending = rdb.XPending(ctx, Stream, ConsumerGroup).Val().Count
	return e
}

// TestSaveIsAllOrNothing drives the failure that used to split a save:
// save.lua wrote the document and its EXPIRE, then ZINCRBY failed on the
// amount (NaN, or -Inf onto an artist already at +Inf), so the entry stayed
// pending, and its redelivery found the document and acknowledged it with
// no counters and no live message. Now the script checks every input first:
// a refused save leaves no effect at all, and a good one every effect.
func TestSaveIsAllOrNothing(t *testing.T) {
	ctx := context.Background()
	rdb := redistest.New(t)
	if err := EnsureSeries(ctx, rdb, time.Hour.Milliseconds()); err != nil {
		t.Fatal(err)
	}
	if err := rdb.XGroupCreateMkStream(ctx, Stream, ConsumerGroup, "0").Err(); err != nil {
		t.Fatal(err)
	}
	if err := LoadScript(ctx, rdb); err != nil {
		t.Fatal(err)
	}
	saver := NewSaver(rdb, time.Hour)
	now := time.Now()
	p := Normalize(feed.Item{UTCDate: float64(now.UnixMicro()) / 1e6, ArtistName: "Split", ItemDescription: "Song",
		AmountPaidUSD: 5, URL: "//split.bandcamp.com/track/song"})
	// The artist's score is already +Inf, as a 1e308 amount left it before
	// amounts were checked.
	if err := rdb.ZAdd(ctx, TopSellers, redis.Z{Member: p.ArtistName, Score: math.Inf(1)}).Err(); err != nil {
		t.Fatal(err)
	}
	// Each case bypasses the Go checks, as an older instance or another
	// client would, and hands the script one bad input.
	for _, c := range []struct {
		name string
		arg  int // ARGV index, from 1
		val  any
	}{
		{"NaN amount", 4, "nan"},
		{"-Inf amount onto +Inf", 4, "-inf"},
		{"amount over the bound", 4, feed.MaxAmountUSD * 2},
		{"negative amount", 4, -1},
		{"time ahead of Redis's clock", 12, now.Add(10 * time.Minute).UnixMilli()},
		{"time not a number", 12, "soon"},
		{"no expiry", 2, 0},
		{"no artist", 3, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			entry := rdb.XAdd(ctx, &redis.XAddArgs{Stream: Stream, Values: []any{"id", p.ID}}).Val()
			if err := rdb.XReadGroup(ctx, &redis.XReadGroupArgs{Group: ConsumerGroup, Consumer: "c", Streams: []string{Stream, ">"}}).Err(); err != nil {
				t.Fatal(err)
			}
			before := effectsOf(t, rdb, p)
			sv, err := saver.scriptArgs(p, ConsumerGroup, entry)
			if err != nil {
				t.Fatal(err)
			}
			keys, args := sv.keys, append(sv.args, noMatch.Args...)
			args[c.arg-1] = c.val
			err = saveScript.Run(ctx, rdb, keys, args...).Err()
			if !redis.HasErrorPrefix(err, "INVALID") {
				t.Errorf("save = %v, want an INVALID error", err)
			}
			if after := effectsOf(t, rdb, p); after != before {
				t.Errorf("a refused save changed Redis:\nbefore %+v\nafter  %+v", before, after)
			}
			rdb.XAck(ctx, Stream, ConsumerGroup, entry)
		})
	}

	// The same purchase with its real inputs applies every effect at once.
	rdb.ZAdd(ctx, TopSellers, redis.Z{Member: p.ArtistName, Score: 0})
	entry := rdb.XAdd(ctx, &redis.XAddArgs{Stream: Stream, Values: []any{"id", p.ID}}).Val()
	rdb.XReadGroup(ctx, &redis.XReadGroupArgs{Group: ConsumerGroup, Consumer: "c", Streams: []string{Stream, ">"}})
	sv, err := saver.scriptArgs(p, ConsumerGroup, entry)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := saveScript.Run(ctx, rdb, sv.keys, append(sv.args, noMatch.Args...)...).Int(); err != nil || n != 1 {
		t.Fatalf("save = %d, %v; want 1", n, err)
	}
	want := saveEffects{doc: true, ttl: true, score: 5, samples: 1, usd: 1, live: 1, pending: 0}
	if got := effectsOf(t, rdb, p); got != want {
		t.Errorf("a good save's effects %+v, want %+v", got, want)
	}
}

// TestSaverChecksBeforeRedis: the Go side refuses what the script would,
// before a round trip: the amounts of the reproduction (1e308, then
// -1e308 for the same artist), an infinite one, and a date ahead of the clock.
func TestSaverChecksBeforeRedis(t *testing.T) {
	ctx := context.Background()
	rdb := redistest.New(t)
	saver := NewSaver(rdb, time.Hour)
	now := time.Now()
	base := feed.Item{UTCDate: float64(now.Unix()), ArtistName: "Huge", URL: "//huge.bandcamp.com/album/a"}
	for name, change := range map[string]func(*feed.Item){
		"1e308":            func(it *feed.Item) { it.AmountPaidUSD = 1e308 },
		"-1e308":           func(it *feed.Item) { it.AmountPaidUSD = -1e308 },
		"+Inf":             func(it *feed.Item) { it.AmountPaidUSD = math.Inf(1) },
		"an hour ahead":    func(it *feed.Item) { it.UTCDate += 3600 },
		"in milliseconds":  func(it *feed.Item) { it.UTCDate *= 1000 },
		"no url":           func(it *feed.Item) { it.URL = "" },
		"NaN local amount": func(it *feed.Item) { it.AmountPaid = math.NaN() },
	} {
		it := base
		change(&it)
		_, err := saver.Save(ctx, Normalize(it))
		if !errors.Is(err, feed.ErrInvalid) || !strings.Contains(err.Error(), "purchases: save ") {
			t.Errorf("%s: Save = %v, want feed.ErrInvalid", name, err)
		}
	}
	if n := rdb.DBSize(ctx).Val(); n != 0 {
		t.Errorf("refused saves left %d keys", n)
	}
}

// TestTopSellersSkipInfiniteScores: a database that an unchecked 1e308
// amount left at +Inf still answers the chart (it answered 500 forever).
func TestTopSellersSkipInfiniteScores(t *testing.T) {
	ctx := context.Background()
	rdb := redistest.New(t)
	rdb.ZAdd(ctx, TopSellers, redis.Z{Member: "Huge", Score: math.Inf(1)}, redis.Z{Member: "Real", Score: 12.5})
	chart, err := NewReader(rdb).TopSellers(ctx, 5)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := json.Marshal(chart); err != nil || len(chart.Labels) != 1 || chart.Labels[0] != "Real" {
		t.Errorf("chart %+v (encoding: %v), want only the finite artist", chart, err)
	}
}
