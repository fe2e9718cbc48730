package purchases_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/beatsbyredis/beats/internal/feed"
	"github.com/beatsbyredis/beats/internal/purchases"
	"github.com/beatsbyredis/beats/internal/redistest"
	"github.com/beatsbyredis/beats/internal/testwait"
)

// item makes a feed item with the fields the tests care about.
func item(at time.Time, artist, title, country, code string, usd float64) feed.Item {
	return feed.Item{
		UTCDate: float64(at.UnixMicro()) / 1e6, ArtistName: artist, ItemType: "a",
		ItemDescription: title, Currency: "USD", AmountPaid: usd, ItemPrice: usd, AmountPaidUSD: usd,
		Country: country, CountryCode: code, URL: "//x.bandcamp.com/album/" + title,
		AmountPaidFmt: "$1", ArtURL: "https://f4.bcbits.com/img/a1_7.jpg",
	}
}

// setup starts a fresh Redis Stack with the index and series in place.
func setup(t *testing.T) (*redis.Client, *purchases.Saver, *purchases.Reader) {
	t.Helper()
	ctx := context.Background()
	rdb := redistest.New(t)
	if err := purchases.EnsureIndex(ctx, rdb); err != nil {
		t.Fatal(err)
	}
	if err := purchases.EnsureSeries(ctx, rdb, (30 * 24 * time.Hour).Milliseconds()); err != nil {
		t.Fatal(err)
	}
	return rdb, purchases.NewSaver(rdb, 30*24*time.Hour), purchases.NewReader(rdb)
}

func save(t *testing.T, s *purchases.Saver, items ...feed.Item) {
	t.Helper()
	for _, it := range items {
		if _, err := s.Save(context.Background(), purchases.Normalize(it)); err != nil {
			t.Fatal(err)
		}
	}
}

func TestSaveIsExactlyOnce(t *testing.T) {
	ctx := context.Background()
	rdb, saver, _ := setup(t)
	p := purchases.Normalize(item(time.Now(), "Artist: One", "Song", "Japan", "jp", 2.5))
	for i, wantNew := range []bool{true, false, false} {
		isNew, err := saver.Save(ctx, p)
		if err != nil || isNew != wantNew {
			t.Fatalf("save #%d: new = %v, %v; want %v", i+1, isNew, err, wantNew)
		}
	}
	if score := rdb.ZScore(ctx, purchases.TopSellers, "Artist; One").Val(); score != 2.5 {
		t.Errorf("top-sellers score = %v, want 2.5 (counted once, ':' made ';')", score)
	}
	if n := rdb.XLen(ctx, purchases.LiveStream).Val(); n != 1 {
		t.Errorf("live stream has %d entries, want 1", n)
	}
	sample, err := rdb.TSGet(ctx, purchases.SalesSeries).Result()
	if err != nil || sample.Value != 1 {
		t.Errorf("sales_ts last sample = %+v, %v; want value 1", sample, err)
	}
	usd, err := rdb.TSGet(ctx, purchases.RevenueSeries).Result()
	if err != nil || usd.Value != 2.5 {
		t.Errorf("sales_usd_ts last sample = %+v, %v; want 2.5", usd, err)
	}
	if ttl := rdb.TTL(ctx, purchases.Key(p.ID)).Val(); ttl < 29*24*time.Hour {
		t.Errorf("document TTL = %v, want about 30 days", ttl)
	}
}

func TestGet(t *testing.T) {
	ctx := context.Background()
	rdb, saver, reader := setup(t)
	it := item(time.Now(), "Björk", "Post", "Iceland", "is", 10)
	p := purchases.Normalize(it)
	save(t, saver, it)
	got, err := reader.Get(ctx, p.ID)
	if err != nil || got.ArtistName != "Björk" || got.ID != p.ID {
		t.Fatalf("Get(%s) = %+v, %v", p.ID, got, err)
	}
	// The document leaves the id to its key; every read adds it back.
	keys, err := rdb.Do(ctx, "JSON.OBJKEYS", purchases.Key(p.ID)).StringSlice()
	if err != nil || slices.Contains(keys, "id") || !slices.Contains(keys, "search_text") {
		t.Errorf("stored keys = %v, %v; want search_text and no id", keys, err)
	}
	for name, read := range map[string]func(context.Context) ([]purchases.Purchase, error){
		"Recent": reader.Recent,
		"Search": func(ctx context.Context) ([]purchases.Purchase, error) { return reader.Search(ctx, "bjork") },
	} {
		found, err := read(ctx)
		if err != nil || len(found) != 1 || found[0].ID != p.ID {
			t.Errorf("%s = %+v, %v; want the purchase with id %s", name, found, err, p.ID)
		}
	}
	if _, err := reader.Get(ctx, "nope"); !errors.Is(err, purchases.ErrNotFound) {
		t.Fatalf("Get(nope): err = %v, want ErrNotFound", err)
	}
}

// TestRecordedPurchasesReadBackWhole stores every recorded purchase and
// reads each back, by id, by search and from the live stream, in the contract's
// whole shape, although the documents leave out what readers rebuild.
func TestRecordedPurchasesReadBackWhole(t *testing.T) {
	ctx := context.Background()
	rdb, _, reader := setup(t)
	saver := purchases.NewSaver(rdb, 20*365*24*time.Hour) // the recording is from 2020
	items := purchases.RecordedItems(t)
	want := map[string]purchases.Purchase{}
	for _, it := range items {
		p := purchases.Normalize(it)
		want[p.ID] = p
		if _, err := saver.Save(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	slots := map[int64]int{}
	for id, p := range want {
		got, err := reader.Get(ctx, id)
		if err != nil || !reflect.DeepEqual(got, p) {
			t.Fatalf("Get(%s) = %+v, %v; want %+v", id, got, err, p)
		}
		n, err := rdb.Do(ctx, "JSON.OBJLEN", purchases.Key(id)).Int64()
		if err != nil {
			t.Fatal(err)
		}
		slots[n]++
	}
	for n, count := range slots {
		if n > 17 {
			t.Errorf("%d documents hold %d keys", count, n)
		}
	}
	entries, err := rdb.XRange(ctx, purchases.LiveStream, "-", "+").Result()
	if err != nil || len(entries) != len(want) {
		t.Fatalf("live stream: %d entries, %v; want %d", len(entries), err, len(want))
	}
	for _, e := range entries {
		id, _ := e.Values["id"].(string)
		doc, _ := e.Values["doc"].(string)
		got, err := purchases.DecodeDocument(doc)
		got.ID = id
		if err != nil || !reflect.DeepEqual(got, want[id]) {
			t.Fatalf("live entry %s reads as %+v, %v; want %+v", id, got, err, want[id])
		}
	}
}

// TestSaveRefusesPurchasesOlderThanRetention: a purchase older than the
// retention would be in search and top sellers but not in the history or
// the map; it is refused whole, so every view agrees. One just inside is
// stored everywhere, its sample included.
func TestSaveRefusesPurchasesOlderThanRetention(t *testing.T) {
	ctx := context.Background()
	rdb, saver, _ := setup(t)
	old := purchases.Normalize(item(time.Date(2020, 9, 9, 22, 0, 0, 0, time.UTC), "Old", "Record", "France", "fr", 1))
	if _, err := saver.Save(ctx, old); !errors.Is(err, feed.ErrInvalid) || !strings.Contains(err.Error(), "older than the retention") {
		t.Fatalf("Save(old) = %v, want it refused", err)
	}
	if n := rdb.DBSize(ctx).Val(); n != 2 { // the two series
		t.Errorf("a refused purchase left %d keys, want only the two series", n)
	}
	edge := item(time.Now().Add(-30*24*time.Hour+2*time.Minute), "Edge", "Record", "France", "fr", 1)
	save(t, saver, edge)
	if info, err := rdb.TSInfo(ctx, purchases.SalesSeries).Result(); err != nil || info["totalSamples"] != int64(1) {
		t.Fatalf("sales_ts = %v, %v; want the purchase inside the retention in it", info["totalSamples"], err)
	}
}

func TestSearch(t *testing.T) {
	ctx := context.Background()
	_, saver, reader := setup(t)
	now := time.Now()
	save(t, saver,
		item(now.Add(-5*time.Second), "𝐺𝑂𝑅𝐸", "肉と血を超えて", "United States", "us", 12),
		item(now.Add(-4*time.Second), "Björk", "Vespertine", "Iceland", "is", 9),
		item(now.Add(-3*time.Second), "Girl Band", "Live at Vicar Street", "United Kingdom", "gb", 9.99),
		item(now.Add(-2*time.Second), "Gorecki", "Symphony", "Poland", "pl", 5),
		item(now.Add(-1*time.Second), "Кино", "Группа крови", "Korea, Republic of", "kr", 3),
		item(now.Add(-9*time.Second), "Tape Loop", "Demo Cassette", "Japan", "jp", 6),
		item(now.Add(-8*time.Second), "Deck", "Cassette Tape", "Germany", "de", 6),
		item(now.Add(-7*time.Second), "Groove", "Vinyl LP", "Japan", "jp", 20),
		item(now.Add(-6*time.Second), "Japanese Breakfast", "Jubilee", "United Kingdom", "gb", 10),
	)
	tests := []struct {
		term string
		want []string // artists, newest first
	}{
		{"gore", []string{"Gorecki", "𝐺𝑂𝑅𝐸"}},
		{"GORE", []string{"Gorecki", "𝐺𝑂𝑅𝐸"}},
		{"bjork", []string{"Björk"}},
		{"björk vesper", []string{"Björk"}},
		{"血を超", []string{"𝐺𝑂𝑅𝐸"}},
		{"血超", nil}, // CJK characters match in order, side by side
		{"vicar street", []string{"Girl Band"}},
		{"united kingdom", []string{"Girl Band", "Japanese Breakfast"}},
		{"Iceland", []string{"Björk"}},
		{"Korea, Republic of", []string{"Кино"}},
		{"группа", []string{"Кино"}},
		{"nothing like this", nil},
		// Text and country combine, the country first or last.
		{"japan cassette", []string{"Tape Loop"}},
		{"Cassette Japan", []string{"Tape Loop"}},
		{"cassette", []string{"Deck", "Tape Loop"}},
		{"japan", []string{"Japanese Breakfast", "Groove", "Tape Loop"}},
		{"japanese", []string{"Japanese Breakfast"}},
		{"united kingdom jubilee", []string{"Japanese Breakfast"}},
		{"vicar united kingdom", []string{"Girl Band"}},
		{"germany vinyl", nil},
		{`@artist_name:{*} | -"x" ~y %z% \ ( ) [ ] $ 1e5`, nil},
	}
	for _, tt := range tests {
		got, err := reader.Search(ctx, tt.term)
		if err != nil {
			t.Errorf("Search(%q): %v", tt.term, err)
			continue
		}
		var artists []string
		for _, p := range got {
			artists = append(artists, p.ArtistName)
		}
		if !slices.Equal(artists, tt.want) {
			t.Errorf("Search(%q) = %q, want %q", tt.term, artists, tt.want)
		}
	}
}

func TestRecentTopSellersHistory(t *testing.T) {
	ctx := context.Background()
	_, saver, reader := setup(t)
	now := time.Now()
	minute := now.Truncate(time.Minute)
	var items []feed.Item
	for i := range 12 {
		artist := []string{"A", "B", "C", "D", "E", "F"}[i%6]
		items = append(items, item(minute.Add(time.Duration(i)*time.Second), artist, "T", "Japan", "jp", float64(i+1)))
	}
	items = append(items, item(minute.Add(-time.Minute), "A", "Earlier", "France", "fr", 100))
	save(t, saver, items...)

	recent, err := reader.Recent(ctx)
	if err != nil || len(recent) != purchases.MaxResults {
		t.Fatalf("Recent = %d purchases, %v; want %d", len(recent), err, purchases.MaxResults)
	}
	if !slices.IsSortedFunc(recent, func(a, b purchases.Purchase) int { return int(b.UTCDateRaw*1e6 - a.UTCDateRaw*1e6) }) {
		t.Error("Recent is not newest first")
	}

	top, err := reader.TopSellers(ctx, 5)
	if err != nil {
		t.Fatal(err)
	}
	// A: 1+7+100, F: 6+12, E: 5+11, D: 4+10, C: 3+9
	want := purchases.TopSellersChart{Labels: []string{"A", "F", "E", "D", "C"}, Series: []float64{108, 18, 16, 14, 12}}
	if !slices.Equal(top.Labels, want.Labels) || !slices.Equal(top.Series, want.Series) {
		t.Errorf("TopSellers = %+v, want %+v", top, want)
	}

	history, err := reader.History(ctx, purchases.HistoryQuery{})
	if err != nil {
		t.Fatal(err)
	}
	wantHistory := []purchases.Point{{X: minute.Add(-time.Minute).UnixMilli(), Y: 1}, {X: minute.UnixMilli(), Y: 12}}
	if !slices.Equal(history, wantHistory) {
		t.Errorf("History = %+v, want %+v", history, wantHistory)
	}
	hourly, err := reader.History(ctx, purchases.HistoryQuery{BucketMS: 3_600_000})
	if err != nil || len(hourly) == 0 || hourly[0].Y+sumY(hourly[1:]) != 13 {
		t.Errorf("History by hour = %+v, %v; want 13 in all", hourly, err)
	}
}

func sumY(ps []purchases.Point) (s float64) {
	for _, p := range ps {
		s += p.Y
	}
	return s
}

func TestEnsureIndexMovesAliasToNewVersion(t *testing.T) {
	ctx := context.Background()
	rdb := redistest.New(t)
	// An older schema behind the alias, with a document stored under it.
	if err := rdb.Do(ctx, "FT.CREATE", "idx:purchases:v0", "ON", "JSON", "PREFIX", "1", purchases.KeyPrefix,
		"SCHEMA", "$.artist_name", "AS", "artist_name", "TEXT").Err(); err != nil {
		t.Fatal(err)
	}
	if err := rdb.Do(ctx, "FT.ALIASADD", purchases.IndexAlias, "idx:purchases:v0").Err(); err != nil {
		t.Fatal(err)
	}
	saver := purchases.NewSaver(rdb, time.Hour)
	if _, err := saver.Save(ctx, purchases.Normalize(item(time.Now(), "Björk", "Homogenic", "Iceland", "is", 1))); err != nil {
		t.Fatal(err)
	}
	for range 2 { // a second run finds everything in place
		if err := purchases.EnsureIndex(ctx, rdb); err != nil {
			t.Fatal(err)
		}
	}
	if err := rdb.Do(ctx, "FT.INFO", "idx:purchases:v0").Err(); err == nil {
		t.Error("the old index still exists")
	}
	if n := rdb.Exists(ctx, purchases.KeyPrefix+"x").Val(); n != 0 {
		t.Fatal("unexpected key")
	}
	// The new index finds the old document (after its background scan).
	reader := purchases.NewReader(rdb)
	testwait.UntilSeen(t, 5*time.Second, "the new index to find the stored document", func() (bool, string) {
		found, err := reader.Search(ctx, "bjork")
		return err == nil && len(found) == 1, fmt.Sprintf("Search = %v, %v", found, err)
	})
}

// TestFutureOrOldPurchaseNeverBlocksTheSeries: samples a series refuses
// must not stop the purchase from being stored and sent live, nor keep
// later purchases out of the series; a purchase dated ahead of the clock
// is refused whole.
func TestFutureOrOldPurchaseNeverBlocksTheSeries(t *testing.T) {
	ctx := context.Background()
	rdb, saver, _ := setup(t)
	now := time.Now()
	future := item(now.Add(1000*24*time.Hour), "Future", "Far Ahead", "Japan", "jp", 1) // a clock in milliseconds, read as seconds
	if _, err := saver.Save(ctx, purchases.Normalize(future)); !errors.Is(err, feed.ErrInvalid) {
		t.Errorf("saving a purchase dated 1,000 days ahead: %v, want feed.ErrInvalid", err)
	}
	save(t, purchases.NewSaver(rdb, 2000*24*time.Hour), item(now.Add(-1000*24*time.Hour), "Past", "Long Ago", "Japan", "jp", 1))
	save(t, saver, item(now, "Present", "Today", "Japan", "jp", 1))
	if n := rdb.XLen(ctx, purchases.LiveStream).Val(); n != 2 {
		t.Errorf("live stream has %d entries, want 2", n)
	}
	sample, err := rdb.TSGet(ctx, purchases.SalesSeries).Result()
	if err != nil || sample.Timestamp != now.Truncate(time.Minute).UnixMilli() || sample.Value != 1 {
		t.Errorf("sales_ts last sample = %+v, %v; want 1 purchase this minute", sample, err)
	}
}

// TestNewestAcrossWindows: the recent windows are only a shortcut; the
// answer is the ten newest overall, however old some of them are.
// TestSearchPages: "show more" walks every match once, newest first, also
// when a page ends inside a checkout (items sharing one time) and when
// purchases arrive between two pages.
func TestSearchPages(t *testing.T) {
	ctx := context.Background()
	_, saver, reader := setup(t)
	now := time.Now().Truncate(time.Millisecond)
	var want []string
	add := func(at time.Time, title string) feed.Item {
		it := item(at, "Pager", title, "Japan", "jp", 1)
		save(t, saver, it)
		return it
	}
	for i := range 24 {
		// 8, 9, 10 and 11 share a time: the first page ends among them.
		at := now.Add(-time.Duration(i) * time.Minute)
		if i >= 8 && i <= 11 {
			at = now.Add(-8 * time.Minute)
		}
		if i == 17 { // older than the recent windows
			at = now.Add(-30 * time.Hour)
		}
		it := add(at, fmt.Sprint("item ", i))
		want = append(want, purchases.Normalize(it).ID)
	}
	var got []string
	var after *purchases.Cursor
	for pages := 0; ; pages++ {
		if pages == 3 {
			t.Fatalf("more than 3 pages; so far %d purchases", len(got))
		}
		page, err := reader.SearchPage(ctx, "pager japan", after)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range page.Purchases {
			got = append(got, p.ID)
		}
		if pages == 0 {
			add(now.Add(time.Second), "newer than the first page") // must not shift the next
		}
		if page.Next == nil {
			break
		}
		c, err := purchases.ParseCursor(page.Next.String())
		if err != nil || c != *page.Next {
			t.Fatalf("cursor %q reads back as %+v, %v", page.Next, c, err)
		}
		after = &c
	}
	// Items of one time may come in any order: compare as sets, then check
	// that nothing came twice.
	if !slices.Equal(slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(want))) {
		t.Fatalf("pages hold %d purchases:\n%v\nwant %d:\n%v", len(got), got, len(want), want)
	}
}

func TestParseCursorRefusesForgeries(t *testing.T) {
	for _, s := range []string{"", "x", "1~", "~1", "1599688803.5~-1", "1599688803.5~1001", "NaN~0", "-5~0", "1e300~0", "1~1~1"} {
		if _, err := purchases.ParseCursor(s); !errors.Is(err, purchases.ErrBadQuery) {
			t.Errorf("ParseCursor(%q) = %v, want ErrBadQuery", s, err)
		}
	}
}

func TestNewestAcrossWindows(t *testing.T) {
	ctx := context.Background()
	_, saver, reader := setup(t)
	now := time.Now()
	var want []string
	for i := range 3 { // within the last 15 minutes
		it := item(now.Add(-time.Duration(i)*time.Minute), "Window", fmt.Sprint("recent ", i), "Japan", "jp", 1)
		want = append(want, purchases.Normalize(it).ID)
		save(t, saver, it)
	}
	for i := range 12 { // a day old and older
		it := item(now.Add(-24*time.Hour-time.Duration(i)*time.Hour), "Window", fmt.Sprint("old ", i), "Japan", "jp", 1)
		if len(want) < purchases.MaxResults {
			want = append(want, purchases.Normalize(it).ID)
		}
		save(t, saver, it)
	}
	for name, get := range map[string]func() ([]purchases.Purchase, error){
		"Search": func() ([]purchases.Purchase, error) { return reader.Search(ctx, "window") },
		"Recent": func() ([]purchases.Purchase, error) { return reader.Recent(ctx) },
	} {
		found, err := get()
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, p := range found {
			ids = append(ids, p.ID)
		}
		if !slices.Equal(ids, want) {
			t.Errorf("%s = %v\nwant %v", name, ids, want)
		}
	}
}
