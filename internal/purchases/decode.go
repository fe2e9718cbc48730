package purchases

import (
	"encoding/json"
	"strconv"
)

// DecodeDocument reads a stored purchase document (FT.SEARCH's "$", a live
// stream entry's "doc", JSON.GET's match) and rebuilds the values the
// document leaves out (see document); the id is not in it (see Key). The
// decoding always gives what json.Unmarshal gives: the documents are flat
// objects the save script wrote, and fastDecode reads exactly that shape;
// anything else goes to encoding/json. Reflection made decoding the ten
// documents of an answer the largest CPU cost of a search request after
// Redis itself (about 5 µs a document; this takes about 1).
func DecodeDocument(raw string) (Purchase, error) {
	p, ok := fastDecode(raw)
	if !ok {
		p = Purchase{}
		if err := json.Unmarshal([]byte(raw), &p); err != nil {
			return Purchase{}, err
		}
	}
	p.restore()
	return p, nil
}

// fastDecode reads a flat JSON object of Purchase's keys (and search_text)
// with string, number and null values. ok is false for anything else (an
// unknown key, which encoding/json would match regardless of case, a
// nested value, a number that does not fit its field, malformed JSON), and
// the caller then asks encoding/json.
func fastDecode(s string) (p Purchase, ok bool) {
	d := scanner{s: s}
	if !d.skip('{') {
		return Purchase{}, false
	}
	if d.skip('}') {
		return p, d.end()
	}
	for {
		key, ok := d.plainString()
		if !ok || !d.skip(':') {
			return Purchase{}, false
		}
		v, ok := d.value()
		if !ok || !set(&p, key, v) {
			return Purchase{}, false
		}
		if d.skip(',') {
			continue
		}
		if d.skip('}') {
			return p, d.end()
		}
		return Purchase{}, false
	}
}

// token is one scalar JSON value: a string (text unquoted), a number (its
// text, grammar checked) or null.
type token struct {
	kind byte // '"', '0' or 'n'
	text string
}

// set assigns v to the field named key as encoding/json would; false when
// it would fail or do something this fast path does not.
func set(p *Purchase, key string, v token) bool {
	switch key {
	case "id":
		return str(&p.ID, v)
	case "utc_date":
		return i64(&p.UTCDate, v)
	case "utc_date_raw":
		return f64(&p.UTCDateRaw, v)
	case "artist_name":
		return str(&p.ArtistName, v)
	case "item_type":
		return str(&p.ItemType, v)
	case "item_description":
		return str(&p.ItemDescription, v)
	case "album_title":
		return str(&p.AlbumTitle, v)
	case "slug_type":
		return strPtr(&p.SlugType, v)
	case "track_album_slug_text":
		return strPtr(&p.TrackAlbumSlugText, v)
	case "currency":
		return str(&p.Currency, v)
	case "amount_paid":
		return f64(&p.AmountPaid, v)
	case "item_price":
		return f64(&p.ItemPrice, v)
	case "amount_paid_usd":
		return f64(&p.AmountPaidUSD, v)
	case "country":
		return str(&p.Country, v)
	case "country_code":
		return str(&p.CountryCode, v)
	case "art_id":
		return i64Ptr(&p.ArtID, v)
	case "releases":
		return i64Ptr(&p.Releases, v)
	case "package_image_id":
		return i64Ptr(&p.PackageImageID, v)
	case "url":
		return str(&p.URL, v)
	case "amount_paid_fmt":
		return str(&p.AmountPaidFmt, v)
	case "art_url":
		return strPtr(&p.ArtURL, v)
	case "amount_over_fmt":
		return strPtr(&p.AmountOverFmt, v)
	case "item_slug":
		return strPtr(&p.ItemSlug, v)
	case "addl_count":
		return i64Ptr(&p.AddlCount, v)
	case "search_text": // stored for the index, not part of Purchase
		return v.kind == '"' || v.kind == 'n'
	}
	return false
}

// encoding/json leaves a non-pointer field as it is on null, and sets a
// pointer field to nil.

func str(dst *string, v token) bool {
	switch v.kind {
	case '"':
		*dst = v.text
	case 'n':
	default:
		return false
	}
	return true
}

func strPtr(dst **string, v token) bool {
	if v.kind == 'n' {
		*dst = nil
		return true
	}
	var text string
	if !str(&text, v) {
		return false
	}
	*dst = &text
	return true
}

func f64(dst *float64, v token) bool {
	return number(dst, v, func(s string) (float64, error) { return strconv.ParseFloat(s, 64) })
}

func i64(dst *int64, v token) bool {
	return number(dst, v, func(s string) (int64, error) { return strconv.ParseInt(s, 10, 64) })
}

// number sets a number field from a number token, with parse's rules for
// what fits; null leaves it as it is.
func number[T any](dst *T, v token, parse func(string) (T, error)) bool {
	switch v.kind {
	case '0':
		n, err := parse(v.text)
		if err != nil {
			return false
		}
		*dst = n
	case 'n':
	default:
		return false
	}
	return true
}

func i64Ptr(dst **int64, v token) bool {
	if v.kind == 'n' {
		*dst = nil
		return true
	}
	var n int64
	if !i64(&n, v) {
		return false
	}
	*dst = &n
	return true
}
