package watchlist_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/beatsbyredis/beats/internal/purchases"
	"github.com/beatsbyredis/beats/internal/watchlist"
)

// numbered makes n purchases by one artist, each of its own album.
func numbered(n int, artist, country string) []purchases.Purchase {
	now := time.Now()
	ps := make([]purchases.Purchase, n)
	for i := range ps {
		at := float64(now.Add(time.Duration(i)*time.Millisecond).UnixMicro()) / 1e6
		ps[i] = purchases.Purchase{
			ID: fmt.Sprintf("%d-%04d", now.UnixMicro(), i), UTCDateRaw: at, ArtistName: artist,
			ItemType: "a", ItemDescription: fmt.Sprintf("Album %d", i), AlbumTitle: fmt.Sprintf("Album %d", i),
			Currency: "USD", AmountPaidUSD: 1, Country: country, CountryCode: "xx",
			URL: fmt.Sprintf("//a.bandcamp.com/album/%d", i), AmountPaidFmt: "$1",
		}
	}
	return ps
}

// allMatches follows the cursors to the end.
func allMatches(t *testing.T, s *watchlist.Service, user string) []watchlist.Match {
	t.Helper()
	var all []watchlist.Match
	before := ""
	for pages := 0; ; pages++ {
		page, err := s.Matches(context.Background(), user, before)
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Matches) > watchlist.PageSize || pages > 100 {
			t.Fatalf("page %d holds %d matches", pages, len(page.Matches))
		}
		all = append(all, page.Matches...)
		if page.Next == nil {
			return all
		}
		before = *page.Next
	}
}

// TestMatchesPages: a user's matches from several terms come newest first,
// each once across the pages, the same purchase under each term it
// matched, and stop at KeptMatches.
func TestMatchesPages(t *testing.T) {
	rdb, s, saver := setup(t)
	artist := add(t, s, "alice", "Pager Band")
	country := add(t, s, "alice", "Iceland")
	ps := numbered(60, "Pager Band", "Iceland") // each matches both terms
	ps = append(ps, numbered(5, "Other", "France")...)
	saveAll(t, saver, ps)

	all := allMatches(t, s, "alice")
	if len(all) != 120 {
		t.Fatalf("%d matches, want 60 purchases × 2 terms", len(all))
	}
	seen := map[string]bool{}
	for i, m := range all {
		if seen[m.ID] {
			t.Fatalf("match %s listed twice", m.ID)
		}
		seen[m.ID] = true
		if i > 0 && m.At > all[i-1].At {
			t.Fatalf("match %d is newer than the one before it", i)
		}
		if (m.WatchID != artist.ID || m.Term != "Pager Band") && (m.WatchID != country.ID || m.Term != "Iceland") {
			t.Fatalf("match %+v names neither term", m)
		}
		if m.Purchase.ArtistName != "Pager Band" || m.Purchase.ID == "" || m.Purchase.UTCDate == 0 {
			t.Fatalf("match holds purchase %+v", m.Purchase)
		}
	}
	if all[0].Purchase.ID != ps[59].ID || all[1].Purchase.ID != ps[59].ID {
		t.Errorf("newest first: got %s, %s; want %s twice", all[0].Purchase.ID, all[1].Purchase.ID, ps[59].ID)
	}

	// A term watched later shows only what matched after.
	add(t, s, "bob", "pager band")
	saveAll(t, saver, numbered(1, "Pager Band", "Chile"))
	if bobs := allMatches(t, s, "bob"); len(bobs) != 1 {
		t.Errorf("bob, who watched it later, sees %d matches; want the 1 since", len(bobs))
	}

	// Past KeptMatches the list stops, though the terms hold more.
	saveAll(t, saver, numbered(600, "Pager Band", "Iceland"))
	if n := len(allMatches(t, s, "alice")); n != watchlist.KeptMatches {
		t.Errorf("%d matches listed, want the last %d", n, watchlist.KeptMatches)
	}
	if n := rdb.XLen(context.Background(), watchlist.HitsKeyPrefix+artist.ID).Val(); n < watchlist.KeptMatches || n > 600 {
		t.Errorf("the term keeps %d hits, want about %d", n, watchlist.KeptMatches)
	}

	for _, bad := range []string{"x", "1-0.nothex.0", "1-0." + artist.ID + ".501", "99999999999999999999-0." + artist.ID + ".0"} {
		if _, err := s.Matches(context.Background(), "alice", bad); !errors.Is(err, watchlist.ErrBadCursor) {
			t.Errorf("before=%q: %v, want ErrBadCursor", bad, err)
		}
	}
}

// TestSavedTwiceMatchedOnce: the same purchase stored again (a replay, a
// redelivered stream entry) adds no second match.
func TestSavedTwiceMatchedOnce(t *testing.T) {
	ctx := context.Background()
	rdb, s, saver := setup(t)
	w := add(t, s, "alice", "twice")
	p := numbered(1, "Twice", "Peru")[0]
	for range 3 {
		if _, err := saver.Save(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	if hits := hitIDs(t, rdb, w.ID); len(hits) != 1 {
		t.Errorf("hits %v, want one", hits)
	}
	if n := rdb.XLen(ctx, watchlist.LiveStream).Val(); n != 2 { // the add's notice and one match
		t.Errorf("watch:live has %d entries, want the notice and one match", n)
	}
	if got := allMatches(t, s, "alice"); len(got) != 1 {
		t.Errorf("%d matches listed, want 1", len(got))
	}
}
