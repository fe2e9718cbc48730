// Package feed reads Bandcamp sales: the live public sales feed, a recorded
// replay of it, or a synthetic generator. Every source yields sales (one
// checkout each, holding one or more purchased items) in time order.
package feed

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"math"
	"strconv"
	"time"
)

// Item is one purchased item as the Bandcamp sales feed describes it.
// Optional keys are pointers (null or absent) so nothing is invented.
type Item struct {
	// ID is the purchase's identity, derived from its recorded utc_date and
	// url (see PurchaseID). It stays the same when a replay is re-timed.
	ID string `json:"-"`

	UTCDate            float64 `json:"utc_date"`
	ArtistName         string  `json:"artist_name"`
	ItemType           string  `json:"item_type"`
	ItemDescription    string  `json:"item_description"`
	AlbumTitle         *string `json:"album_title"`
	SlugType           *string `json:"slug_type"`
	TrackAlbumSlugText *string `json:"track_album_slug_text"`
	Currency           string  `json:"currency"`
	AmountPaid         float64 `json:"amount_paid"`
	ItemPrice          float64 `json:"item_price"`
	AmountPaidUSD      float64 `json:"amount_paid_usd"`
	Country            string  `json:"country"`
	CountryCode        string  `json:"country_code"`
	ArtID              *int64  `json:"art_id"`
	Releases           *int64  `json:"releases"`
	PackageImageID     *int64  `json:"package_image_id"`
	URL                string  `json:"url"`
	AmountPaidFmt      string  `json:"amount_paid_fmt"`
	ArtURL             string  `json:"art_url"`
	AmountOverFmt      *string `json:"amount_over_fmt,omitempty"`
	ItemSlug           *string `json:"item_slug,omitempty"`
	AddlCount          *int64  `json:"addl_count,omitempty"`

	// bad names the first number the feed gave that is not one (see
	// flex.go), and raw is then the item as the feed wrote it, for the
	// dead letter; both are empty for a well-formed item.
	bad, raw string
}

// Sale is one checkout: an event of type "sale" in the feed.
type Sale struct {
	UTCDate float64 // seconds since the epoch, as the feed gives it
	Items   []Item
	// Rejected are items of this checkout (or, for a sale without Items,
	// of its answer) that broke a rule of validate.go: the publisher sends
	// them to the dead-letter stream, never to the store.
	Rejected []Rejected
	// Mark, when set, is where the source stands once this sale is published.
	Mark *Mark
}

// Mark is where a finite source (a replay) stands once a sale is published.
// The publisher stores it with the sale, in one transaction, so that the
// source opened again (a restart, another instance) resumes right after the
// last sale stored (Replay.Resume).
type Mark struct {
	Key, Value string
	TTL        time.Duration // 0: kept until deleted
}

// Source yields sales in time order.
type Source interface {
	// Mode names the source for logs and the dashboard: "live", "replay" or "synthetic".
	Mode() string
	// Next blocks until the next sale; it returns io.EOF when a finite source is done.
	Next(ctx context.Context) (Sale, error)
}

// PurchaseID derives a purchase's identity from its recorded time and url, so
// the same purchase seen twice (overlapping feed windows, a replay played
// again) is stored once. The time is kept to the microsecond, as the feed's
// floats carry it; the url is hashed to keep keys short and safe.
func PurchaseID(utcDate float64, url string) string {
	micros := int64(math.Round(utcDate * 1e6))
	sum := sha256.Sum256([]byte(url))
	return strconv.FormatInt(micros, 10) + "-" + hex.EncodeToString(sum[:5])
}
