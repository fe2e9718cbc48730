package feed

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// itemWire mirrors Item with tolerant scalars; see flex.go.
type itemWire struct {
	UTCDate            optFloat  `json:"utc_date"`
	ArtistName         optString `json:"artist_name"`
	ItemType           optString `json:"item_type"`
	ItemDescription    optString `json:"item_description"`
	AlbumTitle         optString `json:"album_title"`
	SlugType           optString `json:"slug_type"`
	TrackAlbumSlugText optString `json:"track_album_slug_text"`
	Currency           optString `json:"currency"`
	AmountPaid         optFloat  `json:"amount_paid"`
	ItemPrice          optFloat  `json:"item_price"`
	AmountPaidUSD      optFloat  `json:"amount_paid_usd"`
	Country            optString `json:"country"`
	CountryCode        optString `json:"country_code"`
	ArtID              optInt    `json:"art_id"`
	Releases           optInt    `json:"releases"`
	PackageImageID     optInt    `json:"package_image_id"`
	URL                optString `json:"url"`
	AmountPaidFmt      optString `json:"amount_paid_fmt"`
	ArtURL             optString `json:"art_url"`
	AmountOverFmt      optString `json:"amount_over_fmt"`
	ItemSlug           optString `json:"item_slug"`
	AddlCount          optInt    `json:"addl_count"`
}

// UnmarshalJSON decodes an item tolerantly: numbers may be whole, decimal
// ("123.0" ids from pandas) or quoted; null, "null" and "" leave optional
// numbers nil; text of the wrong shape reads as missing. A number that is
// present but is not one is remembered, and the item then fails Check. It
// fails only when the item is not a JSON object at all.
func (it *Item) UnmarshalJSON(b []byte) error {
	var w itemWire
	if err := json.Unmarshal(b, &w); err != nil {
		return fmt.Errorf("feed: decode item: %w", err)
	}
	// ID is not in the JSON; keep whatever the caller had set.
	*it = Item{
		ID:                 it.ID,
		UTCDate:            w.UTCDate.v,
		ArtistName:         w.ArtistName.v,
		ItemType:           w.ItemType.v,
		ItemDescription:    w.ItemDescription.v,
		AlbumTitle:         w.AlbumTitle.ptr(),
		SlugType:           w.SlugType.ptr(),
		TrackAlbumSlugText: w.TrackAlbumSlugText.ptr(),
		Currency:           w.Currency.v,
		AmountPaid:         w.AmountPaid.v,
		ItemPrice:          w.ItemPrice.v,
		AmountPaidUSD:      w.AmountPaidUSD.v,
		Country:            w.Country.v,
		CountryCode:        w.CountryCode.v,
		ArtID:              w.ArtID.ptr(),
		Releases:           w.Releases.ptr(),
		PackageImageID:     w.PackageImageID.ptr(),
		URL:                w.URL.v,
		AmountPaidFmt:      w.AmountPaidFmt.v,
		ArtURL:             w.ArtURL.v,
		AmountOverFmt:      w.AmountOverFmt.ptr(),
		ItemSlug:           w.ItemSlug.ptr(),
		AddlCount:          w.AddlCount.ptr(),
	}
	for _, f := range []struct{ name, bad string }{
		{"utc_date", w.UTCDate.bad}, {"amount_paid", w.AmountPaid.bad}, {"item_price", w.ItemPrice.bad},
		{"amount_paid_usd", w.AmountPaidUSD.bad}, {"art_id", w.ArtID.bad}, {"releases", w.Releases.bad},
		{"package_image_id", w.PackageImageID.bad}, {"addl_count", w.AddlCount.bad},
	} {
		if f.bad != "" {
			it.bad = f.name + " " + f.bad
			var raw bytes.Buffer
			if json.Compact(&raw, b) == nil {
				it.raw = raw.String()
			}
			break
		}
	}
	return nil
}
