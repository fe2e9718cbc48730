package purchases

import (
	"fmt"
	"math"
	"strings"
)

// Smaller documents: a stored purchase keeps at most 16 keys, which cuts
// Redis memory per purchase by a third (1,399 → 929 B at 1,000,000
// purchases; BENCHMARKS.md, "4. Memory").
//
// Plain version: store json.Marshal(struct{ Purchase; SearchText string })
// and read it back with json.Unmarshal alone (21 keys a document).
//
// Why 16: RedisJSON keeps an object's keys in a table whose capacity
// doubles (4, 8, 16, 32 slots), and each slot costs about 28 B whether it
// is used or not. The contract's 20 keys plus search_text made every
// document pay for 32 slots: 985 B of structure where 16 slots cost 537 B.
// So the document leaves out what the reader can rebuild exactly (restore):
//   - id: the key purchase:<id> holds it;
//   - utc_date: by definition the whole second of utc_date_raw;
//   - keys whose value is null;
//   - album_title when it is item_description (the contract's fallback);
//   - slug_type when it is the kind of page the url names (album, track or
//     merch), and art_url when it is the Bandcamp image that art_id or
//     package_image_id names: true of every recorded purchase. "" stands
//     for null where the url or the ids would name a value.
//
// Only purchases of several tracks (item_slug and addl_count) with an album
// title of their own still take 17 keys: 6% of those recorded.

// document is a purchase as it is stored in Redis: the contract's keys
// (the JSON names are Purchase's), less those restore rebuilds, plus the
// folded text the index searches, which the API never shows. omitempty
// drops a key left nil or empty.
type document struct {
	UTCDateRaw         float64 `json:"utc_date_raw"`
	ArtistName         string  `json:"artist_name"`
	ItemType           string  `json:"item_type"`
	ItemDescription    string  `json:"item_description"`
	AlbumTitle         string  `json:"album_title,omitempty"`
	SlugType           *string `json:"slug_type,omitempty"`
	TrackAlbumSlugText *string `json:"track_album_slug_text,omitempty"`
	Currency           string  `json:"currency"`
	AmountPaid         float64 `json:"amount_paid"`
	ItemPrice          float64 `json:"item_price"`
	AmountPaidUSD      float64 `json:"amount_paid_usd"`
	Country            string  `json:"country"`
	CountryCode        string  `json:"country_code"`
	ArtID              *int64  `json:"art_id,omitempty"`
	Releases           *int64  `json:"releases,omitempty"`
	PackageImageID     *int64  `json:"package_image_id,omitempty"`
	URL                string  `json:"url"`
	AmountPaidFmt      string  `json:"amount_paid_fmt"`
	ArtURL             *string `json:"art_url,omitempty"`
	AmountOverFmt      *string `json:"amount_over_fmt,omitempty"`
	ItemSlug           *string `json:"item_slug,omitempty"`
	AddlCount          *int64  `json:"addl_count,omitempty"`
	SearchText         string  `json:"search_text"`
}

// newDocument is what the save script stores for p.
func newDocument(p Purchase, searchText string) document {
	d := document{
		UTCDateRaw:         p.UTCDateRaw,
		ArtistName:         p.ArtistName,
		ItemType:           p.ItemType,
		ItemDescription:    p.ItemDescription,
		TrackAlbumSlugText: p.TrackAlbumSlugText,
		Currency:           p.Currency,
		AmountPaid:         p.AmountPaid,
		ItemPrice:          p.ItemPrice,
		AmountPaidUSD:      p.AmountPaidUSD,
		Country:            p.Country,
		CountryCode:        p.CountryCode,
		ArtID:              p.ArtID,
		Releases:           p.Releases,
		PackageImageID:     p.PackageImageID,
		URL:                p.URL,
		AmountPaidFmt:      p.AmountPaidFmt,
		AmountOverFmt:      p.AmountOverFmt,
		ItemSlug:           p.ItemSlug,
		AddlCount:          p.AddlCount,
		SearchText:         searchText,
	}
	if p.AlbumTitle != p.ItemDescription {
		d.AlbumTitle = p.AlbumTitle
	}
	d.SlugType = unlessNamed(p.SlugType, slugType(p.URL))
	d.ArtURL = unlessNamed(p.ArtURL, imageURL(p.ArtID, p.PackageImageID))
	return d
}

// restore rebuilds what a document leaves out. Documents stored whole (by
// earlier versions) come through unchanged.
func (p *Purchase) restore() {
	p.UTCDate = int64(math.Floor(p.UTCDateRaw))
	if p.AlbumTitle == "" {
		p.AlbumTitle = p.ItemDescription
	}
	p.SlugType = orNamed(p.SlugType, slugType(p.URL))
	p.ArtURL = orNamed(p.ArtURL, imageURL(p.ArtID, p.PackageImageID))
}

// unlessNamed is what a document stores for a value that restore would
// otherwise take from named: nothing when they agree, "" for a null value.
func unlessNamed(value, named *string) *string {
	switch {
	case value == nil && named == nil:
		return nil
	case value == nil:
		return new("")
	case named != nil && *named == *value:
		return nil
	}
	return value
}

// orNamed is unlessNamed read back.
func orNamed(stored, named *string) *string {
	switch {
	case stored == nil:
		return named
	case *stored == "":
		return nil
	}
	return stored
}

// slugType is the kind of Bandcamp page a purchase's url names, as the
// feed's slug_type gives it: "a" album, "t" track, "p" merch; nil for
// others (an artist's page, where discography bundles point).
func slugType(url string) *string {
	for _, k := range []struct{ path, kind string }{{"/album/", "a"}, {"/track/", "t"}, {"/merch/", "p"}} {
		if strings.Contains(url, k.path) {
			return new(k.kind)
		}
	}
	return nil
}

// imageURL is the cover Bandcamp serves for a release's art_id, or else for
// a physical item's package_image_id, as the feed's art_url names it; nil
// when there is neither.
func imageURL(artID, packageImageID *int64) *string {
	switch {
	case artID != nil:
		return new(fmt.Sprintf("https://f4.bcbits.com/img/a%010d_7.jpg", *artID))
	case packageImageID != nil:
		return new(fmt.Sprintf("https://f4.bcbits.com/img/%010d_37.jpg", *packageImageID))
	}
	return nil
}
