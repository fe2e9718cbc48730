package purchases

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/beatsbyredis/beats/internal/feed"
)

// RecordedItems are the 264 purchases of the recorded feed in testdata/.
func RecordedItems(t testing.TB) []feed.Item {
	t.Helper()
	f, err := os.Open("../../testdata/feed-2020-09-09.jsonl")
	if err != nil {
		t.Fatalf("the recorded feed (testdata/ at the repository root): %v", err)
	}
	defer f.Close()
	lines := bufio.NewScanner(f)
	lines.Buffer(nil, 1<<20)
	var items []feed.Item
	for lines.Scan() {
		ans, err := feed.DecodeAnswer(lines.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		for _, ev := range ans.Events {
			items = append(items, ev.Items...)
		}
	}
	return items
}

// documentKeys are the keys of p's stored document.
func documentKeys(t *testing.T, p Purchase) []string {
	t.Helper()
	raw, err := encodeDocument(p, p.SearchText())
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// roundTrip stores p's document and reads it back as the readers do.
func roundTrip(t *testing.T, p Purchase) {
	t.Helper()
	raw, err := encodeDocument(p, p.SearchText())
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeDocument(string(raw))
	if err != nil {
		t.Fatalf("DecodeDocument(%s): %v", raw, err)
	}
	got.ID = p.ID // the key holds it
	if !reflect.DeepEqual(got, p) {
		t.Fatalf("document %s reads back as\n%+v\nwant\n%+v", raw, got, p)
	}
}

func TestDocumentLeavesOutWhatReadersRebuild(t *testing.T) {
	base := func() feed.Item {
		return feed.Item{
			UTCDate: 1599688803.5175, ArtistName: "Girl Band", ItemType: "a", ItemDescription: "Live",
			AlbumTitle: new("Live at Vicar Street"), SlugType: new("a"), Currency: "EUR", AmountPaid: 7,
			ItemPrice: 7, AmountPaidUSD: 8.27, Country: "Ireland", CountryCode: "ie", ArtID: new(int64(206405257)),
			URL: "//girlbanddublin.bandcamp.com/album/live", AmountPaidFmt: "€7",
			ArtURL: "https://f4.bcbits.com/img/a0206405257_7.jpg",
		}
	}
	tests := []struct {
		name       string
		change     func(*feed.Item)
		want, omit []string // keys the document must hold, and leave out
	}{
		{"a release", func(*feed.Item) {}, []string{"album_title", "art_id", "search_text", "utc_date_raw"},
			[]string{"id", "utc_date", "slug_type", "art_url", "package_image_id", "releases", "track_album_slug_text"}},
		{"album title the item's own", func(it *feed.Item) { it.AlbumTitle = new("Live") }, nil, []string{"album_title"}},
		{"no album title (the contract's fallback)", func(it *feed.Item) { it.AlbumTitle = nil }, nil, []string{"album_title"}},
		{"slug_type another kind", func(it *feed.Item) { it.SlugType = new("t") }, []string{"slug_type"}, nil},
		{"slug_type null where the url names one", func(it *feed.Item) { it.SlugType = nil }, []string{"slug_type"}, nil},
		{"a bundle: no slug_type, artist's url", func(it *feed.Item) {
			it.ItemType, it.SlugType, it.URL, it.Releases = "b", nil, "//girlbanddublin.bandcamp.com", new(int64(4))
		}, []string{"releases"}, []string{"slug_type"}},
		{"a package", func(it *feed.Item) {
			it.ItemType, it.ArtID, it.PackageImageID = "p", nil, new(int64(33093824))
			it.ArtURL = "https://f4.bcbits.com/img/0033093824_37.jpg"
		}, []string{"package_image_id"}, []string{"art_id", "art_url"}},
		{"art_url another address", func(it *feed.Item) { it.ArtURL = "https://example.com/a.jpg" }, []string{"art_url"}, nil},
		{"art_url null where art_id names one", func(it *feed.Item) { it.ArtURL = "null" }, []string{"art_url"}, nil},
		{"no art at all", func(it *feed.Item) { it.ArtID, it.ArtURL = nil, "" }, nil, []string{"art_id", "art_url"}},
		{"the optional keys", func(it *feed.Item) {
			it.AmountOverFmt, it.ItemSlug, it.AddlCount, it.Releases = new("€1"), new("x"), new(int64(2)), new(int64(3))
		}, []string{"amount_over_fmt", "item_slug", "addl_count", "releases"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			it := base()
			tt.change(&it)
			p := Normalize(it)
			keys := documentKeys(t, p)
			for _, k := range tt.want {
				if !slices.Contains(keys, k) {
					t.Errorf("document keys %v lack %s", keys, k)
				}
			}
			for _, k := range tt.omit {
				if slices.Contains(keys, k) {
					t.Errorf("document keys %v hold %s", keys, k)
				}
			}
			roundTrip(t, p)
		})
	}
}

// TestDocumentsRoundTrip reads back every recorded purchase and a
// thousand synthetic ones exactly, and checks that the recorded ones fit
// RedisJSON's 16-slot key table but for those of several tracks.
func TestDocumentsRoundTrip(t *testing.T) {
	for _, it := range RecordedItems(t) {
		p := Normalize(it)
		roundTrip(t, p)
		keys := documentKeys(t, p)
		limit := 16
		if p.ItemSlug != nil && p.AddlCount != nil {
			limit = 17
		}
		if len(keys) > limit {
			t.Errorf("%s: %d keys %v, want at most %d", p.ID, len(keys), keys, limit)
		}
	}
	src := feed.NewSynthetic(feed.SyntheticOptions{Seed: 3, Now: time.Now})
	for n := 0; n < 1000; {
		sale, err := src.Next(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range sale.Items {
			roundTrip(t, Normalize(it))
			n++
		}
	}
}

// Documents stored whole by earlier versions read as before.
func TestWholeDocumentsStillRead(t *testing.T) {
	p := Normalize(RecordedItems(t)[0])
	whole, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeDocument(string(whole))
	if err != nil || !reflect.DeepEqual(got, p) {
		t.Fatalf("DecodeDocument(%s) = %+v, %v; want %+v", whole, got, err, p)
	}
}

// TestDecodePathAnswer: JSON.GET's and JSON.MGET's answers at "$" hold the
// document in an array; a missing key answers nothing or an empty array.
func TestDecodePathAnswer(t *testing.T) {
	for _, tt := range []struct {
		raw          string
		found, fails bool
		artist       string
	}{
		{raw: ""},
		{raw: "[]"},
		{raw: `[{"artist_name":"Gore","item_description":"Mean Man's Dream"}]`, found: true, artist: "Gore"},
		{raw: "not json", fails: true},
		{raw: `[42]`, fails: true},
	} {
		p, found, err := DecodePathAnswer(tt.raw)
		if found != tt.found || (err != nil) != tt.fails || p.ArtistName != tt.artist {
			t.Errorf("DecodePathAnswer(%q) = %q, %v, %v; want %q, %v, failing %v", tt.raw, p.ArtistName, found, err, tt.artist, tt.found, tt.fails)
		}
	}
}
