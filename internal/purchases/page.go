package purchases

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"
)

// Page is one page of search results, newest first.
type Page struct {
	Purchases []Purchase
	Next      *Cursor // where the next page starts; nil on the last page
}

// Cursor marks where a page ended: at the time of its last purchase, of
// which Skip purchases (a checkout's items share one time) have been shown.
// The next page asks for purchases at that time or older and skips those,
// so purchases stored meanwhile never shift the pages.
type Cursor struct {
	Before float64 // utc_date_raw, seconds
	Skip   int
}

// maxSkip bounds a cursor's Skip: more items than any checkout holds, and
// a cheap offset for the Query Engine.
const maxSkip = 1000

// String is the cursor as the API hands it out: "<seconds>~<skip>".
func (c Cursor) String() string {
	return strconv.FormatFloat(c.Before, 'f', -1, 64) + "~" + strconv.Itoa(c.Skip)
}

// ParseCursor reads a cursor of String's form; any other is ErrBadQuery.
func ParseCursor(s string) (Cursor, error) {
	before, skip, ok := strings.Cut(s, "~")
	t, errT := strconv.ParseFloat(before, 64)
	n, errN := strconv.Atoi(skip)
	if !ok || errT != nil || errN != nil || !(t > 0 && t < 1e11) || n < 0 || n > maxSkip {
		return Cursor{}, fmt.Errorf("%w: cursor %q is not one this server handed out", ErrBadQuery, s)
	}
	return Cursor{Before: t, Skip: n}, nil
}

// pageOf decodes up to MaxResults of docs (newest first, asked for one more
// than a page, following after) and says where the next page starts.
func pageOf(docs []redis.Document, after *Cursor) (Page, error) {
	more := len(docs) > MaxResults
	if more {
		docs = docs[:MaxResults]
	}
	found, err := decodeDocs(docs)
	if err != nil || !more || len(found) == 0 {
		return Page{Purchases: found}, err
	}
	last := found[len(found)-1].UTCDateRaw
	next := Cursor{Before: last}
	for _, p := range found {
		if p.UTCDateRaw == last {
			next.Skip++
		}
	}
	if after != nil && after.Before == last {
		next.Skip += after.Skip // the whole page was at the cursor's time
	}
	return Page{Purchases: found, Next: &next}, nil
}
