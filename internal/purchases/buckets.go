package purchases

import (
	"errors"
	"math"
	"strconv"
	"time"
)

// The range analytics (internal/analytics) answer "what sold between from
// and to" exactly, without reading every document of the range. The save
// script keeps, for the hour and for the UTC day a purchase is dated in:
//
//   - a hash, stats:hour:<start ms> or stats:day:<start ms>, of integer
//     counters: purchases and cents in all, and per item type, currency and
//     country (fields "purchases:country:gb", "cents:country:gb"...), and
//     the id and cents of the biggest purchase ("biggest", "biggest:cents");
//   - a sorted set, the same key plus ":artists", of artist → cents.
//
// A range is then its whole days, plus the whole hours at either side of
// them, plus at most two partial hours at its ends, which are read from
// the documents (see analytics.Split). Money is counted in integer cents
// (HINCRBY, and ZINCRBY of whole numbers, which a double holds exactly up
// to 2^53), so sums are exact to the cent, whatever the order of addition.
//
// Each bucket expires a retention after its first purchase was saved, plus
// its own span: it outlives every range that can still include it whole
// (ranges are clipped to the retention), and is gone soon after.

// Bucket spans, in milliseconds.
const (
	HourMS = int64(time.Hour / time.Millisecond)
	DayMS  = 24 * HourMS
)

// BucketStart is the start, in epoch milliseconds, of the bucket spanMS
// long that holds the instant t (epoch seconds, as utc_date_raw). It agrees
// with the range queries on utc_date_raw, which compare seconds as doubles:
// start/1000 <= t < (start+spanMS)/1000 always holds.
func BucketStart(t float64, spanMS int64) int64 {
	span := float64(spanMS / 1000)
	k := int64(math.Floor(t / span))
	// t/span rounds; correct by one where it crossed a boundary.
	if float64(k)*span > t {
		k--
	} else if float64(k+1)*span <= t {
		k++
	}
	return k * spanMS
}

// HourKey and DayKey name the hash of the bucket that starts at startMS.
func HourKey(startMS int64) string { return HourStatsPrefix + strconv.FormatInt(startMS, 10) }
func DayKey(startMS int64) string  { return DayStatsPrefix + strconv.FormatInt(startMS, 10) }

// ArtistsKey names the artists' sorted set of a bucket's hash key.
func ArtistsKey(bucket string) string { return bucket + ArtistsSuffix }

// maxUSD bounds one purchase's amount, so that the cents of any number of
// purchases a bucket can hold stay far below 2^53 (exact in a double).
const maxUSD = 1e9

// errAmount refuses an amount the counters cannot hold exactly.
var errAmount = errors.New("amount_paid_usd is not a finite number within ±1e9")

// Cents is a USD amount in whole cents, as every counter holds money.
func Cents(usd float64) (int64, error) {
	if math.IsNaN(usd) || math.Abs(usd) > maxUSD {
		return 0, errAmount
	}
	return int64(math.Round(usd * 100)), nil
}

// bucketArgs are the save script's KEYS and ARGV for the range counters
// (see save.lua, "range analytics"): they follow the script's others.
func (s *Saver) bucketArgs(p Purchase) ([]string, []any, error) {
	cents, err := Cents(p.AmountPaidUSD)
	if err != nil {
		return nil, nil, err
	}
	hour, day := HourKey(BucketStart(p.UTCDateRaw, HourMS)), DayKey(BucketStart(p.UTCDateRaw, DayMS))
	keys := []string{hour, ArtistsKey(hour), day, ArtistsKey(day), CountryNames}
	retention := int64(s.retention.Seconds())
	args := []any{cents, p.ItemType, p.Currency, p.CountryCode, p.Country,
		retention + HourMS/1000, retention + DayMS/1000}
	return keys, args, nil
}
