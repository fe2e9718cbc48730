package analytics

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/beatsbyredis/beats/internal/purchases"
)

// Columns are the export's header row: the contract's purchase fields in its
// order, then the three the feed gives only sometimes.
var Columns = []string{"id", "utc_date", "artist_name", "item_type", "item_description", "album_title",
	"slug_type", "track_album_slug_text", "currency", "amount_paid", "item_price", "amount_paid_usd",
	"country", "art_id", "releases", "package_image_id", "url", "country_code", "amount_paid_fmt",
	"art_url", "utc_date_raw", "amount_over_fmt", "item_slug", "addl_count"}

// AppendCell appends one text cell of a CSV row (RFC 4180). A value that a
// spreadsheet would run as a formula, one starting with =, +, -, @, a tab or
// a carriage return, gets a leading apostrophe, which spreadsheets show as
// text (OWASP's advice against CSV injection). A value holding a comma, a
// quote, a carriage return or a line feed is quoted, its quotes doubled.
// Invalid UTF-8 becomes U+FFFD: the file is UTF-8.
func AppendCell(dst []byte, s string) []byte {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	neutral := s != "" && strings.IndexByte("=+-@\t\r", s[0]) >= 0
	if !strings.ContainsAny(s, ",\"\r\n") {
		if neutral {
			dst = append(dst, '\'')
		}
		return append(dst, s...)
	}
	dst = append(dst, '"')
	if neutral {
		dst = append(dst, '\'')
	}
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			dst = append(dst, '"')
		}
		dst = append(dst, s[i])
	}
	return append(dst, '"')
}

// appendCSV appends p as one CSV row in Columns' order, ending in CRLF.
// Numbers are written as the JSON answers write them; a null is empty.
func appendCSV(dst []byte, p purchases.Purchase) []byte {
	text := func(s string) { dst = append(AppendCell(dst, s), ',') }
	opt := func(s *string) {
		if s != nil {
			dst = AppendCell(dst, *s)
		}
		dst = append(dst, ',')
	}
	num := func(f float64) { dst = append(strconv.AppendFloat(dst, f, 'f', -1, 64), ',') }
	integer := func(n *int64) {
		if n != nil {
			dst = strconv.AppendInt(dst, *n, 10)
		}
		dst = append(dst, ',')
	}
	text(p.ID)
	dst = append(strconv.AppendInt(dst, p.UTCDate, 10), ',')
	text(p.ArtistName)
	text(p.ItemType)
	text(p.ItemDescription)
	text(p.AlbumTitle)
	opt(p.SlugType)
	opt(p.TrackAlbumSlugText)
	text(p.Currency)
	num(p.AmountPaid)
	num(p.ItemPrice)
	num(p.AmountPaidUSD)
	text(p.Country)
	integer(p.ArtID)
	integer(p.Releases)
	integer(p.PackageImageID)
	text(p.URL)
	text(p.CountryCode)
	text(p.AmountPaidFmt)
	opt(p.ArtURL)
	num(p.UTCDateRaw)
	opt(p.AmountOverFmt)
	opt(p.ItemSlug)
	integer(p.AddlCount)
	dst[len(dst)-1] = '\r' // the last comma
	return append(dst, '\n')
}

// csvHeader is the header row.
func csvHeader() []byte {
	var b []byte
	for i, c := range Columns {
		if i > 0 {
			b = append(b, ',')
		}
		b = AppendCell(b, c)
	}
	return append(b, '\r', '\n')
}
