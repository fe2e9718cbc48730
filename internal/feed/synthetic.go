package feed

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"time"
)

// SyntheticOptions configures the generator. Zero values take the defaults.
type SyntheticOptions struct {
	Rate float64 // checkouts a second; default 1
	Seed int64   // the same seed (and Now) gives the same sales
	Now  func() time.Time
}

// Synthetic invents realistic purchases for demos and offline use. It never
// ends. Times start at Now() on the first Next and advance by exponential
// gaps of mean 1/Rate, so pacing by the gaps yields the rate.
type Synthetic struct {
	rate      float64
	rng       *rand.Rand
	now       func() time.Time
	started   bool
	next      float64 // time of the next checkout
	artists   []artist
	countryWt float64 // sum of country weights
}

// NewSynthetic returns a generator.
func NewSynthetic(opts SyntheticOptions) *Synthetic {
	if !(opts.Rate > 0) || math.IsInf(opts.Rate, 0) {
		opts.Rate = 1
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	// A fixed second word keeps the stream a pure function of the seed.
	rng := rand.New(rand.NewPCG(uint64(opts.Seed), 0x6265617473))
	s := &Synthetic{rate: opts.Rate, rng: rng, now: opts.Now, artists: buildCatalog(rng)}
	for _, c := range countries {
		s.countryWt += c.weight
	}
	return s
}

// Mode is "synthetic".
func (s *Synthetic) Mode() string { return "synthetic" }

// Next returns the next checkout: usually one item, sometimes two to four
// bought within 0.3 s from one country, often from one artist.
func (s *Synthetic) Next(ctx context.Context) (Sale, error) {
	if err := ctx.Err(); err != nil {
		return Sale{}, err
	}
	if !s.started {
		s.started, s.next = true, unixSeconds(s.now())
	}
	start := s.next
	s.next += s.rng.ExpFloat64() / s.rate
	code, name := s.country()
	a := &s.artists[s.rng.IntN(len(s.artists))]
	n := s.itemCount()
	items := make([]Item, 0, n)
	at := start
	for i := range n {
		if i > 0 {
			// Later items follow within 0.1 s each, so a checkout of four
			// spans under 0.3 s; now and then the fan switches artist.
			at += 0.001 + s.rng.Float64()*0.099
			if s.rng.Float64() < 0.3 {
				a = &s.artists[s.rng.IntN(len(s.artists))]
			}
		}
		it := s.item(a)
		it.UTCDate = micros(at)
		it.Country, it.CountryCode = name, code
		it.ID = PurchaseID(it.UTCDate, it.URL)
		items = append(items, it)
	}
	return Sale{UTCDate: micros(start), Items: items}, nil
}

func (s *Synthetic) itemCount() int {
	switch p := s.rng.Float64(); {
	case p < 0.85:
		return 1
	case p < 0.95:
		return 2
	case p < 0.98:
		return 3
	}
	return 4
}

func (s *Synthetic) country() (code, name string) {
	x := s.rng.Float64() * s.countryWt
	for _, c := range countries {
		if x < c.weight {
			return c.code, c.name
		}
		x -= c.weight
	}
	last := countries[len(countries)-1]
	return last.code, last.name
}

// item picks what was bought: digital albums and tracks mostly, physical
// goods often, discographies rarely, as in the real feed.
func (s *Synthetic) item(a *artist) Item {
	base := "//" + a.sub + ".bandcamp.com"
	it := Item{ArtistName: a.name, Currency: a.curCode}
	var price int64
	digital := false
	switch p := s.rng.Float64(); {
	case p < 0.40:
		r := a.albums[s.rng.IntN(len(a.albums))]
		it.ItemType, it.SlugType, it.ItemDescription = "a", ptr("a"), r.title
		it.URL, it.ArtID, it.ArtURL = base+"/album/"+r.slug, ptr(r.artID), artURL(r.artID)
		price, digital = pick(s.rng, albumPrices), true
	case p < 0.75:
		i := s.rng.IntN(len(a.tracks))
		r := a.tracks[i]
		it.ItemType, it.SlugType, it.ItemDescription = "t", ptr("t"), r.title
		if s.rng.Float64() < 0.55 {
			it.AlbumTitle = ptr(a.albums[a.trackOf[i]].title)
		}
		it.URL, it.ArtID, it.ArtURL = base+"/track/"+r.slug, ptr(r.artID), artURL(r.artID)
		price, digital = pick(s.rng, trackPrices), true
	case p < 0.98:
		it.ItemType = "p"
		if len(a.merch) > 0 && s.rng.Float64() < 0.3 {
			m := a.merch[s.rng.IntN(len(a.merch))]
			it.SlugType, it.ItemDescription, it.URL = ptr("p"), m.desc, base+"/merch/"+m.slug
			it.PackageImageID, it.ArtURL = ptr(m.imageID), packageURL(m.imageID)
			price = pick(s.rng, merchPrices)
			break
		}
		i := s.rng.IntN(len(a.albums))
		f := physicalFormats[s.rng.IntN(len(physicalFormats))]
		it.SlugType, it.ItemDescription, it.AlbumTitle = ptr("a"), f.desc, ptr(a.albums[i].title)
		it.URL, it.PackageImageID, it.ArtURL = base+"/album/"+a.albums[i].slug, ptr(a.packages[i]), packageURL(a.packages[i])
		price = pick(s.rng, f.prices)
	default:
		n := int64(len(a.albums) + 2 + s.rng.IntN(9))
		art := a.albums[0].artID
		it.ItemType, it.ItemDescription = "b", fmt.Sprintf("full digital discography (%d releases)", n)
		it.URL, it.ArtID, it.ArtURL, it.Releases = base, ptr(art), artURL(art), ptr(n)
		// Bundles are discounted, hence odd prices like $28.76.
		price = int64(float64(n*pick(s.rng, albumPrices)) * (0.6 + 0.25*s.rng.Float64()))
	}
	s.price(&it, a.cur, a.cur.local(price), digital)
	return it
}

// price fills the amounts: the set price, or pay-what-you-want (price 0)
// for some digital items, and now and then a fan paying more than asked.
func (s *Synthetic) price(it *Item, c currency, price int64, digital bool) {
	paid := price
	switch p := s.rng.Float64(); {
	case digital && p < 0.12:
		price, paid = 0, c.local(pick(s.rng, pwywPaid))
	case p > 0.92:
		paid = price + c.local(pick(s.rng, tips))
	}
	it.ItemPrice = float64(price) / 100
	it.AmountPaid = float64(paid) / 100
	it.AmountPaidUSD = c.toUSD(paid)
	it.AmountPaidFmt = c.format(paid)
	if paid > price {
		it.AmountOverFmt = ptr(c.format(paid - price))
	}
}

func artURL(id int64) string     { return fmt.Sprintf("https://f4.bcbits.com/img/a%010d_7.jpg", id) }
func packageURL(id int64) string { return fmt.Sprintf("https://f4.bcbits.com/img/%010d_37.jpg", id) }

func pick[T any](rng *rand.Rand, xs []T) T { return xs[rng.IntN(len(xs))] }

func ptr[T any](v T) *T { return &v }

// micros rounds a time to the microsecond, the precision the feed carries.
func micros(t float64) float64 { return math.Round(t*1e6) / 1e6 }
