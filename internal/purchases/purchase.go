package purchases

import (
	"errors"
	"math"
	"strings"

	"github.com/beatsbyredis/beats/internal/feed"
)

var (
	// ErrNotFound means the asked-for purchase or data does not exist.
	ErrNotFound = errors.New("purchases: not found")
	// ErrBadQuery wraps a client mistake in a query's parameters.
	ErrBadQuery = errors.New("bad query")
)

// Purchase is a purchase as the API shows it: the contract's shape (its JSON keys
// are the contract) plus the id it is stored under.
type Purchase struct {
	ID                 string  `json:"id"`
	UTCDate            int64   `json:"utc_date"`
	UTCDateRaw         float64 `json:"utc_date_raw"`
	ArtistName         string  `json:"artist_name"`
	ItemType           string  `json:"item_type"`
	ItemDescription    string  `json:"item_description"`
	AlbumTitle         string  `json:"album_title"`
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
	ArtURL             *string `json:"art_url"`
	AmountOverFmt      *string `json:"amount_over_fmt,omitempty"`
	ItemSlug           *string `json:"item_slug,omitempty"`
	AddlCount          *int64  `json:"addl_count,omitempty"`
}

// Normalize turns a feed item into the stored purchase, by the contract's rules:
// ':' in artist_name becomes ';' (the artist is a sorted-set member and the
// original app used ':' as its key separator), utc_date is the whole second
// with utc_date_raw the float, album_title falls back to item_description,
// and the string "null" means null. Amounts are kept as given: a purchase
// that breaks the rules of feed/validate.go is refused by the Saver, never
// stored with a made-up value.
func Normalize(it feed.Item) Purchase {
	id := it.ID
	if id == "" {
		id = feed.PurchaseID(it.UTCDate, it.URL)
	}
	p := Purchase{
		ID:                 id,
		UTCDate:            int64(math.Floor(it.UTCDate)),
		UTCDateRaw:         it.UTCDate,
		ArtistName:         strings.ReplaceAll(clean(it.ArtistName), ":", ";"),
		ItemType:           clean(it.ItemType),
		ItemDescription:    clean(it.ItemDescription),
		SlugType:           nullable(it.SlugType),
		TrackAlbumSlugText: nullable(it.TrackAlbumSlugText),
		Currency:           clean(it.Currency),
		AmountPaid:         it.AmountPaid,
		ItemPrice:          it.ItemPrice,
		AmountPaidUSD:      it.AmountPaidUSD,
		Country:            clean(it.Country),
		CountryCode:        strings.ToLower(clean(it.CountryCode)),
		ArtID:              it.ArtID,
		Releases:           it.Releases,
		PackageImageID:     it.PackageImageID,
		URL:                clean(it.URL),
		AmountPaidFmt:      clean(it.AmountPaidFmt),
		ArtURL:             nullable(&it.ArtURL),
		AmountOverFmt:      nullable(it.AmountOverFmt),
		ItemSlug:           nullable(it.ItemSlug),
		AddlCount:          it.AddlCount,
	}
	if title := nullable(it.AlbumTitle); title != nil {
		p.AlbumTitle = *title
	} else {
		p.AlbumTitle = p.ItemDescription
	}
	return p
}

// clean maps the feed's literal "null" to the empty string.
func clean(s string) string {
	if s == "null" {
		return ""
	}
	return s
}

// nullable maps nil, "" and "null" to nil.
func nullable(s *string) *string {
	if s == nil || *s == "" || *s == "null" {
		return nil
	}
	v := *s
	return &v
}

// SearchText is the folded text the index searches: artist, album and item
// (the watchlist matches the same words).
func (p Purchase) SearchText() string {
	parts := []string{p.ArtistName, p.ItemDescription}
	if p.AlbumTitle != p.ItemDescription {
		parts = append(parts, p.AlbumTitle)
	}
	return Fold(strings.Join(parts, " "))
}
