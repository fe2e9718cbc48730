package purchases_test

import (
	"math"
	"testing"

	"github.com/beatsbyredis/beats/internal/feed"
	"github.com/beatsbyredis/beats/internal/purchases"
)

func ptr[T any](v T) *T { return &v }

func TestNormalizeRules(t *testing.T) {
	base := feed.Item{
		UTCDate: 1691166738.7452447, ArtistName: "𝐺𝑂𝑅𝐸", ItemType: "p", ItemDescription: "Limited Edition Cassette",
		AlbumTitle: ptr("肉と血を超えて"), SlugType: ptr("a"), TrackAlbumSlugText: ptr("null"), Currency: "USD",
		AmountPaid: 12, ItemPrice: 12, AmountPaidUSD: 12, Country: "United States", CountryCode: "US",
		PackageImageID: ptr(int64(33093824)), URL: "//celadonplaza.bandcamp.com/album/--12",
		AmountPaidFmt: "$12", ArtURL: "null",
	}
	tests := []struct {
		name  string
		edit  func(*feed.Item)
		check func(t *testing.T, p purchases.Purchase)
	}{
		{"seed example", func(*feed.Item) {}, func(t *testing.T, p purchases.Purchase) {
			if p.UTCDate != 1691166738 || p.UTCDateRaw != 1691166738.7452447 {
				t.Errorf("utc_date %d, utc_date_raw %v", p.UTCDate, p.UTCDateRaw)
			}
			if p.AlbumTitle != "肉と血を超えて" || p.ArtistName != "𝐺𝑂𝑅𝐸" || p.CountryCode != "us" {
				t.Errorf("album %q artist %q code %q", p.AlbumTitle, p.ArtistName, p.CountryCode)
			}
			if p.TrackAlbumSlugText != nil || p.ArtURL != nil {
				t.Errorf(`"null" strings kept: %v %v`, p.TrackAlbumSlugText, p.ArtURL)
			}
			if p.ID != feed.PurchaseID(1691166738.7452447, "//celadonplaza.bandcamp.com/album/--12") {
				t.Errorf("id %q not derived from time and url", p.ID)
			}
		}},
		{"colon in artist", func(it *feed.Item) { it.ArtistName = "Data:Lore: Live" }, func(t *testing.T, p purchases.Purchase) {
			if p.ArtistName != "Data;Lore; Live" {
				t.Errorf("artist %q", p.ArtistName)
			}
		}},
		{"album falls back to item", func(it *feed.Item) { it.AlbumTitle = nil }, func(t *testing.T, p purchases.Purchase) {
			if p.AlbumTitle != "Limited Edition Cassette" {
				t.Errorf("album %q", p.AlbumTitle)
			}
		}},
		{`album "null"`, func(it *feed.Item) { it.AlbumTitle = ptr("null") }, func(t *testing.T, p purchases.Purchase) {
			if p.AlbumTitle != "Limited Edition Cassette" {
				t.Errorf("album %q", p.AlbumTitle)
			}
		}},
		{"recorded id kept", func(it *feed.Item) { it.ID = "recorded-id"; it.UTCDate = 1 }, func(t *testing.T, p purchases.Purchase) {
			if p.ID != "recorded-id" {
				t.Errorf("id %q", p.ID)
			}
		}},
		{"NaN amount kept for the Saver to refuse", func(it *feed.Item) { it.AmountPaidUSD = math.NaN() }, func(t *testing.T, p purchases.Purchase) {
			if !math.IsNaN(p.AmountPaidUSD) {
				t.Errorf("amount %v, want NaN kept (not made 0)", p.AmountPaidUSD)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			it := base
			tt.edit(&it)
			tt.check(t, purchases.Normalize(it))
		})
	}
}

// TestNormalizeRealItems runs every recorded purchase through Normalize.
func TestNormalizeRealItems(t *testing.T) {
	n := 0
	for _, it := range purchases.RecordedItems(t) {
		p := purchases.Normalize(it)
		n++
		switch {
		case p.UTCDate != int64(math.Floor(p.UTCDateRaw)):
			t.Errorf("%s: utc_date %d vs raw %v", p.ID, p.UTCDate, p.UTCDateRaw)
		case p.AlbumTitle == "":
			t.Errorf("%s: empty album_title", p.ID)
		case p.ArtistName == "" || p.URL == "" || p.CountryCode == "":
			t.Errorf("%s: missing artist, url or country: %+v", p.ID, p)
		case p.AmountPaidUSD < 0:
			t.Errorf("%s: negative amount", p.ID)
		}
	}
	if n != 264 {
		t.Fatalf("normalized %d items, want the 264 recorded", n)
	}
}
