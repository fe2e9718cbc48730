package ingest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/beatsbyredis/beats/internal/feed"
	"github.com/beatsbyredis/beats/internal/ingest"
	"github.com/beatsbyredis/beats/internal/purchases"
)

// TestHostileFeedValuesNeverReachTheStore replays a recording whose items
// carry the values that broke the pipeline (an amount of 1e308 and then
// -1e308 for the same artist, a negative amount, "12.5x", times in
// milliseconds, 1e300 and -5, no url) beside valid ones with the feed's real
// quirks. Every bad item ends in purchases:dead with its reason; the valid
// ones are stored; top sellers stay finite and readable.
func TestHostileFeedValuesNeverReachTheStore(t *testing.T) {
	ctx := context.Background()
	rdb, pub := setup(t)
	const base = 1599688800.0
	item := func(i int, artist string, over map[string]any) map[string]any {
		it := map[string]any{
			"utc_date": base + float64(i), "artist_name": artist, "item_type": "a", "item_description": "Album",
			"currency": "USD", "amount_paid": 10, "item_price": 10, "amount_paid_usd": 10, "country": "Japan",
			"country_code": "jp", "url": fmt.Sprintf("//%s.bandcamp.com/album/%d", strings.ToLower(artist), i),
			"amount_paid_fmt": "$10", "art_url": "", "album_title": nil,
		}
		for k, v := range over {
			it[k] = v
		}
		return it
	}
	items := []map[string]any{
		item(1, "Huge", map[string]any{"amount_paid_usd": 1e308}),
		item(2, "Huge", map[string]any{"amount_paid_usd": -1e308}),
		item(3, "Negative", map[string]any{"amount_paid_usd": -4}),
		item(4, "Suffix", map[string]any{"amount_paid_usd": "12.5x"}),
		item(5, "Millis", map[string]any{"utc_date": (base + 5) * 1000}),
		item(6, "Far", map[string]any{"utc_date": 1e300}),
		item(7, "Before", map[string]any{"utc_date": -5}),
		item(8, "Nourl", map[string]any{"url": nil}),
		// valid, with the feed's quirks
		item(9, "Good", map[string]any{"amount_paid_usd": "12.5", "addl_count": "2"}),
		item(10, "Good", map[string]any{"art_id": "206405257.0", "releases": "null"}),
	}
	var events []any
	for _, it := range items {
		events = append(events, map[string]any{"event_type": "sale", "utc_date": it["utc_date"], "items": []any{it}})
	}
	line, _ := json.Marshal(map[string]any{"start_date": base, "end_date": base + 60, "server_time": base + 69, "events": events})
	path := filepath.Join(t.TempDir(), "hostile.jsonl")
	if err := os.WriteFile(path, append(line, '\n'), 0o600); err != nil {
		t.Fatal(err)
	}
	src, err := feed.NewReplay(path, feed.ReplayOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := feed.RunBatched(ctx, src, 0, pub.PublishMany); err != nil {
		t.Fatal(err)
	}
	if _, err := processor(rdb, "p").ReadOnce(ctx); err != nil {
		t.Fatal(err)
	}

	assertStored(t, rdb, 2)
	if got := rdb.ZScore(ctx, purchases.TopSellers, "Good").Val(); got != 22.5 {
		t.Errorf("top-sellers[Good] = %v, want 22.5", got)
	}
	if n := rdb.ZCard(ctx, purchases.TopSellers).Val(); n != 1 {
		t.Errorf("top-sellers has %d artists, want only the valid one", n)
	}
	chart, err := purchases.NewReader(rdb).TopSellers(ctx, 5)
	if _, jerr := json.Marshal(chart); err != nil || jerr != nil {
		t.Errorf("top sellers: %v, encoding: %v", err, jerr)
	}
	dead := rdb.XRange(ctx, purchases.DeadStream, "-", "+").Val()
	if len(dead) != 8 {
		t.Fatalf("%d dead letters, want 8: %v", len(dead), dead)
	}
	wantReasons := []string{"amount_paid_usd 1e+308", "amount_paid_usd -1e+308", "amount_paid_usd -4",
		`amount_paid_usd "12.5x" is not a number`, "utc_date 1.599688805e+12", "utc_date 1e+300", "utc_date -5", "no url"}
	for i, m := range dead {
		reason, _ := m.Values["error"].(string)
		raw, _ := m.Values["item"].(string)
		if !strings.Contains(reason, wantReasons[i]) || !json.Valid([]byte(raw)) || m.Values["id"] == "" {
			t.Errorf("dead letter %d = %v, want the item and a reason mentioning %q", i, m.Values, wantReasons[i])
		}
	}
	if n := rdb.XLen(ctx, purchases.Stream).Val(); n != 2 {
		t.Errorf("the purchases stream got %d entries, want only the 2 valid items", n)
	}
}

// TestProcessorRefusesBadEntries: an entry that reached the stream another
// way (an older instance, a hand-made XADD) meets the same rules: it goes to
// the dead letters at once, acknowledged, with nothing stored.
func TestProcessorRefusesBadEntries(t *testing.T) {
	ctx := context.Background()
	rdb, _ := setup(t)
	now := float64(time.Now().Unix())
	for _, it := range []string{
		fmt.Sprintf(`{"utc_date":%f,"artist_name":"a","url":"//a","amount_paid_usd":"12.5x"}`, now),
		fmt.Sprintf(`{"utc_date":%f,"artist_name":"a","url":"//b","amount_paid_usd":1e308}`, now),
		fmt.Sprintf(`{"utc_date":%f,"artist_name":"a","url":"//c","amount_paid_usd":1}`, now+3600), // an hour ahead
		fmt.Sprintf(`{"utc_date":%f,"artist_name":"","url":"//d","amount_paid_usd":1}`, now),
	} {
		rdb.XAdd(ctx, &redis.XAddArgs{Stream: purchases.Stream, Values: []any{"id", "x", "item", it}})
	}
	if _, err := processor(rdb, "p").ReadOnce(ctx); err != nil {
		t.Fatal(err)
	}
	assertStored(t, rdb, 0)
	if n := rdb.XLen(ctx, purchases.DeadStream).Val(); n != 4 {
		t.Errorf("%d dead letters, want 4", n)
	}
	if pending := rdb.XPending(ctx, purchases.Stream, purchases.ConsumerGroup).Val(); pending.Count != 0 {
		t.Errorf("%d entries pending, want 0", pending.Count)
	}
	if n := rdb.ZCard(ctx, purchases.TopSellers).Val(); n != 0 {
		t.Errorf("top-sellers has %d members", n)
	}
}

// TestScriptRefusalIsDeadLetteredAtOnce: when save.lua refuses what the Go
// side let through (this instance's clock runs ten minutes fast, Redis's
// does not), the entry goes to the dead letters in the same round, instead
// of being retried five times while nothing changes.
func TestScriptRefusalIsDeadLetteredAtOnce(t *testing.T) {
	ctx := context.Background()
	rdb, pub := setup(t)
	fast := func() time.Time { return time.Now().Add(10 * time.Minute) }
	saver := purchases.NewSaver(rdb, time.Hour).WithClock(fast)
	p := ingest.NewProcessor(rdb, saver, ingest.ProcessorOptions{Consumer: "fast", Block: 10 * time.Millisecond})
	if err := pub.Publish(ctx, sale(time.Now().Add(5*time.Minute), "ahead")); err != nil {
		t.Fatal(err)
	}
	if _, err := p.ReadOnce(ctx); err != nil {
		t.Fatal(err)
	}
	assertStored(t, rdb, 0)
	dead := rdb.XRange(ctx, purchases.DeadStream, "-", "+").Val()
	if len(dead) != 1 || !strings.Contains(fmt.Sprint(dead[0].Values["error"]), "INVALID time ahead of the clock") {
		t.Errorf("dead letters %v, want the script's refusal", dead)
	}
	if pending := rdb.XPending(ctx, purchases.Stream, purchases.ConsumerGroup).Val(); pending.Count != 0 {
		t.Errorf("%d entries pending, want 0", pending.Count)
	}
	if score := rdb.ZScore(ctx, purchases.TopSellers, "ahead").Val(); score != 0 || math.IsInf(score, 0) {
		t.Errorf("top-sellers[ahead] = %v", score)
	}
}
