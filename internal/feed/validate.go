package feed

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"
)

// The rules a feed item must pass before anything of it is stored. The feed
// is trusted for the shape of its answers (decode.go tolerates its quirks),
// never for its values: one amount of 1e308 once made an artist's top-sellers
// score +Inf, and every chart answered 500 from then on. An item that breaks
// a rule is not stored anywhere: it goes to the purchases:dead stream with
// the reason (see Rejected).
//
//   - url and artist_name are required (not empty, not "null"): the url is
//     the purchase's identity and the artist its top-sellers member.
//   - Numbers are numbers: a value that is present but is not a JSON number,
//     or a string holding exactly one ("12.5", "2"), is refused ("12.5x",
//     "NaN", "Inf", 1e400, true, [1]); null, "null" and "" mean missing, and a
//     missing amount is 0.
//   - Amounts are finite and not negative: amount_paid_usd at most
//     MaxAmountUSD, amount_paid and item_price (the buyer's currency) at most
//     MaxAmount.
//   - utc_date (the item's, else its checkout's) is seconds since the epoch
//     between Earliest and Latest (so milliseconds, 1e300 and -5 are
//     refused), within AnswerSpan of the answer that carried it (its
//     server_time, else end_date, else start_date, when the answer gives a
//     plausible one), and at most MaxAhead ahead of the clock.
//   - No text field is longer than MaxText bytes. Text is otherwise kept as
//     the feed gives it.
//
// The store checks the same values again (purchases.Saver, then save.lua
// against Redis's own clock), so an entry that reaches the stream another
// way meets the same rules.

// ErrInvalid marks an item or purchase that breaks a rule.
var ErrInvalid = errors.New("invalid purchase")

// The limits of the rules above.
const (
	// MaxAmountUSD bounds one item's amount_paid_usd. Buyers may pay more
	// than the price, but no single Bandcamp item comes near $100,000.
	MaxAmountUSD = 100_000.0
	// MaxAmount bounds amount_paid and item_price, in the buyer's currency:
	// $100,000 is about 1.6e9 Indonesian rupiah or 2.6e9 Vietnamese dong.
	MaxAmount = 1e10
	// MaxAhead is how far a purchase may be dated ahead of the clock: the
	// feed's clock and ours differ by seconds, never by minutes.
	MaxAhead = time.Minute
	// AnswerSpan is how far an item's time may be from its answer's. The
	// feed's windows are a minute; one real answer carried events 15 hours
	// past its server_time (testdata/get-answer-2025-06.json).
	AnswerSpan = 24 * time.Hour
	// MaxText bounds each text field, in bytes; real titles are far shorter.
	MaxText = 4096
)

// Earliest and Latest bound any purchase's time: Bandcamp opened in 2008,
// and a time past 2100 is a unit mistake (milliseconds) or garbage.
var (
	Earliest = time.Date(2008, 1, 1, 0, 0, 0, 0, time.UTC)
	Latest   = time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)
)

// Rejected is a feed item that broke a rule, on its way to the dead-letter
// stream instead of the store.
type Rejected struct {
	ID     string          // PurchaseID of its time and url, for a person to find it
	Item   json.RawMessage // the item as the feed gave it
	Reason string          // which rule it broke, with the value
}

// Values are what the rules check of a purchase, whatever its form.
type Values struct {
	UTCDate                          float64
	AmountPaid, ItemPrice, AmountUSD float64
	URL, ArtistName                  string
}

// Check applies the rules on values, with the clock rule when now is set.
func (v Values) Check(now time.Time) error {
	if isBlank(v.URL) {
		return invalid("no url")
	}
	if isBlank(v.ArtistName) {
		return invalid("no artist_name")
	}
	if err := checkTime(v.UTCDate, now); err != nil {
		return err
	}
	for _, a := range []struct {
		name string
		v    float64
		max  float64
	}{{"amount_paid_usd", v.AmountUSD, MaxAmountUSD}, {"amount_paid", v.AmountPaid, MaxAmount}, {"item_price", v.ItemPrice, MaxAmount}} {
		if math.IsNaN(a.v) || a.v < 0 || a.v > a.max {
			return invalid("%s %v is not between 0 and %v", a.name, a.v, a.max)
		}
	}
	return nil
}

// Check applies every rule to an item. ref is the time of the answer that
// carried it (seconds; 0 or an implausible time: no answer rule) and now the
// clock (zero: no clock rule, as for a replay about to be re-timed).
func (it Item) Check(ref float64, now time.Time) error {
	if it.bad != "" {
		return invalid("%s is not a number", it.bad)
	}
	err := Values{
		UTCDate: it.UTCDate, AmountPaid: it.AmountPaid, ItemPrice: it.ItemPrice, AmountUSD: it.AmountPaidUSD,
		URL: it.URL, ArtistName: it.ArtistName,
	}.Check(now)
	if err != nil {
		return err
	}
	if plausible(ref) && math.Abs(it.UTCDate-ref) > AnswerSpan.Seconds() {
		return invalid("utc_date %s is more than %v from its answer's time %s", when(it.UTCDate), AnswerSpan, when(ref))
	}
	deref := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	for _, f := range [...]struct{ name, s string }{
		{"artist_name", it.ArtistName}, {"item_type", it.ItemType}, {"item_description", it.ItemDescription},
		{"album_title", deref(it.AlbumTitle)}, {"slug_type", deref(it.SlugType)},
		{"track_album_slug_text", deref(it.TrackAlbumSlugText)}, {"currency", it.Currency},
		{"country", it.Country}, {"country_code", it.CountryCode}, {"url", it.URL},
		{"amount_paid_fmt", it.AmountPaidFmt}, {"art_url", it.ArtURL},
		{"amount_over_fmt", deref(it.AmountOverFmt)}, {"item_slug", deref(it.ItemSlug)},
	} {
		if len(f.s) > MaxText {
			return invalid("%s is %d bytes long, more than %d", f.name, len(f.s), MaxText)
		}
	}
	return nil
}

// checkTime is the rule on utc_date: plausible, and not ahead of now.
func checkTime(t float64, now time.Time) error {
	if !plausible(t) {
		return invalid("utc_date %v is not a time between %s and %s", t, Earliest.Format(time.DateOnly), Latest.Format(time.DateOnly))
	}
	if !now.IsZero() && t > unixSeconds(now.Add(MaxAhead)) {
		return invalid("utc_date %s is more than %v ahead of the clock (%s)", when(t), MaxAhead, when(unixSeconds(now)))
	}
	return nil
}

// plausible reports whether t (seconds) lies between Earliest and Latest.
func plausible(t float64) bool {
	return t >= float64(Earliest.Unix()) && t < float64(Latest.Unix())
}

// answerTime is the time an answer was given: its server_time, else its
// end_date, else its start_date; 0 when it gives none that is plausible.
func answerTime(ans Answer) float64 {
	for _, t := range []int64{ans.ServerTime, ans.EndDate, ans.StartDate} {
		if plausible(float64(t)) {
			return float64(t)
		}
	}
	return 0
}

// reject is it as a Rejected, with err's reason.
func reject(it Item, err error) Rejected {
	raw := json.RawMessage(it.raw)
	if it.raw == "" {
		raw, _ = json.Marshal(it) // an Item always encodes: its numbers are finite
	}
	return Rejected{ID: it.ID, Item: raw, Reason: err.Error()}
}

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalid}, args...)...)
}

func isBlank(s string) bool {
	s = strings.TrimSpace(s)
	return s == "" || s == "null"
}

// when shows a plausible time both ways, for a person reading the reason.
func when(t float64) string {
	return fmt.Sprintf("%.3f (%s)", t, time.Unix(int64(t), 0).UTC().Format(time.RFC3339))
}
