package purchases

import (
	"errors"
	"math"
	"strconv"
	"time"
)

// The range analytics (internal/analytics) answer "what sold between from
// and to" exactly, without reading every document of the range. The save
// script keeps, for the UTC day, the hour and the ten minutes a purchase
// is dated in (Levels):
//
//   - a hash, stats:<level>:<start ms> (stats:day:1599609600000,
//     stats:hour:1599688800000, stats:10min:1599689400000), of integer
//     counters: purchases and cents in all, and per item type, currency and
//     country (fields "purchases:country:gb", "cents:country:gb"...), and
//     the id and cents of the biggest purchase ("biggest", "biggest:cents");
//   - a sorted set, the same key plus ":artists", of artist → cents;
//   - a HyperLogLog, the same key plus ":distinct-artists", of the artists:
//     the number of distinct artists of a range is an estimate (standard
//     error 0.81 %), since an exact one means reading every artist of the
//     range, which at the real feed's variety is the whole month's.
//
// A range is then its whole days, the whole hours at either side of them,
// the whole ten minutes at either side of those, and at most two partial
// ten minutes at its ends, which are read from the documents (see
// analytics.Split): 30 days are at most 85 buckets and 20 minutes of
// documents. Money is counted in integer cents (HINCRBY, and ZINCRBY of
// whole numbers, which a double holds exactly up to 2^53), so sums are
// exact to the cent, whatever the order of addition.
//
// Each bucket expires a retention after its first purchase was saved, plus
// its own span: it outlives every range that can still include it whole
// (ranges are clipped to the retention), and is gone soon after.

// Bucket spans, in milliseconds.
const (
	TenMinutesMS = int64(10 * time.Minute / time.Millisecond)
	HourMS       = 6 * TenMinutesMS
	DayMS        = 24 * HourMS
)

// Level is one size of bucket: its name in the keys, and its span.
type Level struct {
	Name   string
	SpanMS int64
}

// Levels are the buckets every purchase is counted in, the largest first;
// each span divides the one before it.
var Levels = []Level{{"day", DayMS}, {"hour", HourMS}, {"10min", TenMinutesMS}}

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

// BucketKey names the hash of the level's bucket that starts at startMS.
func BucketKey(level string, startMS int64) string {
	return StatsPrefix + level + ":" + strconv.FormatInt(startMS, 10)
}

// ArtistsKey names the artists' sorted set of a bucket's hash key.
func ArtistsKey(bucket string) string { return bucket + ArtistsSuffix }

// DistinctKey names the artists' HyperLogLog of a bucket's hash key.
func DistinctKey(bucket string) string { return bucket + DistinctSuffix }

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
	keys := make([]string, 0, 3*len(Levels)+1)
	args := []any{cents, p.ItemType, p.Currency, p.CountryCode, p.Country, len(Levels)}
	retention := int64(s.retention.Seconds())
	for _, l := range Levels {
		bucket := BucketKey(l.Name, BucketStart(p.UTCDateRaw, l.SpanMS))
		keys = append(keys, bucket, ArtistsKey(bucket), DistinctKey(bucket))
		args = append(args, retention+l.SpanMS/1000)
	}
	return append(keys, CountryNames), args, nil
}
