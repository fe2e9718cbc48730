package feed

import (
	"math/rand/v2"
	"strconv"
	"strings"
)

// release is something sold digitally: an album or a track.
type release struct {
	title, slug string
	artID       int64
}

// merchItem is something sold physically that is not a release.
type merchItem struct {
	desc, slug string
	imageID    int64
}

// artist is one seller's catalogue, with ids fixed when it is built so that
// the same product keeps its art and url across sales.
type artist struct {
	name, sub string
	cur       currency
	curCode   string
	albums    []release
	tracks    []release
	trackOf   []int   // album index of each track, for album_title
	packages  []int64 // package image id of each album's physical edition
	merch     []merchItem
}

func buildCatalog(rng *rand.Rand) []artist {
	artists := make([]artist, 0, len(artistSeeds))
	for _, seed := range artistSeeds {
		a := artist{name: seed.name, sub: seed.sub, cur: currencies[seed.currency], curCode: seed.currency}
		for _, t := range seed.albums {
			a.albums = append(a.albums, release{title: t, slug: slugify(t, rng), artID: artID(rng)})
			a.packages = append(a.packages, 10_000_000+rng.Int64N(25_000_000))
		}
		for _, t := range seed.tracks {
			album := rng.IntN(len(a.albums))
			a.tracks = append(a.tracks, release{title: t, slug: slugify(t, rng), artID: a.albums[album].artID})
			a.trackOf = append(a.trackOf, album)
		}
		for _, m := range seed.merch {
			a.merch = append(a.merch, merchItem{desc: m, slug: slugify(m, rng), imageID: 10_000_000 + rng.Int64N(25_000_000)})
		}
		artists = append(artists, a)
	}
	return artists
}

// artID is an image id as the feed has them: up to about 4.3e9.
func artID(rng *rand.Rand) int64 {
	return 100_000_000 + rng.Int64N(4_190_000_000)
}

// slugify makes a url slug the way Bandcamp does: ASCII letters and digits
// kept, everything else a single '-', so "Desfãn" becomes "desf-n" and a
// title with no ASCII at all gets a number ("-12").
func slugify(title string, rng *rand.Rand) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(title) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
			continue
		}
		dash = true
	}
	if b.Len() == 0 {
		return "-" + strconv.Itoa(1+rng.IntN(40))
	}
	return b.String()
}
