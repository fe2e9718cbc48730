package watchlist_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/beatsbyredis/beats/internal/purchases"
	"github.com/beatsbyredis/beats/internal/redistest"
	"github.com/beatsbyredis/beats/internal/watchlist"
)

func TestAddListRemove(t *testing.T) {
	ctx := context.Background()
	rdb, s, _ := setup(t)

	first, created, err := s.Add(ctx, "alice", "  Wätched Artîst ")
	if err != nil || !created || first.Term != "Wätched Artîst" || first.Created == 0 {
		t.Fatalf("add = %+v, %v, %v", first, created, err)
	}
	again, created, err := s.Add(ctx, "alice", "WATCHED artist")
	if err != nil || created || again != first {
		t.Fatalf("adding the same folded term = %+v, %v, %v; want the first, not created", again, created, err)
	}
	if _, _, err := s.Add(ctx, "alice", "   "); !errors.Is(err, watchlist.ErrBadTerm) {
		t.Fatalf("blank term: %v, want ErrBadTerm", err)
	}
	for i := 1; i < watchlist.MaxTerms; i++ {
		add(t, s, "alice", fmt.Sprintf("term %d", i))
	}
	if _, _, err := s.Add(ctx, "alice", "one too many"); !errors.Is(err, watchlist.ErrTooMany) {
		t.Fatalf("term %d: %v, want ErrTooMany", watchlist.MaxTerms+1, err)
	}
	if w, created, err := s.Add(ctx, "alice", "Watched Artist"); err != nil || created || w != first {
		t.Fatalf("a duplicate at the limit = %+v, %v, %v; want the existing one", w, created, err)
	}
	list, err := s.List(ctx, "alice")
	if err != nil || len(list) != watchlist.MaxTerms {
		t.Fatalf("list: %d terms, %v", len(list), err)
	}
	if !slices.IsSortedFunc(list, func(a, b watchlist.Watch) int { return int(b.Created - a.Created) }) {
		t.Errorf("list not newest first")
	}

	// Bob watches the same term: it is one term, indexed once.
	bobs := add(t, s, "bob", "watched artist")
	if bobs.ID != first.ID {
		t.Fatalf("bob's id %s, alice's %s: want one term", bobs.ID, first.ID)
	}
	if err := s.Remove(ctx, "bob", "not-an-id"); !errors.Is(err, watchlist.ErrNotFound) {
		t.Fatalf("removing an unknown id: %v, want ErrNotFound", err)
	}
	if err := s.Remove(ctx, "carol", first.ID); !errors.Is(err, watchlist.ErrNotFound) {
		t.Fatalf("removing someone else's term: %v, want ErrNotFound", err)
	}
	if err := s.Remove(ctx, "alice", first.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.Remove(ctx, "alice", first.ID); !errors.Is(err, watchlist.ErrNotFound) {
		t.Fatalf("removing twice: %v, want ErrNotFound", err)
	}
	// Its sets: the text, the whole term as a country, a country and text.
	sets := []string{"watch:ws:watched ar", "watch:c:watched artist", "watch:cs:watched ar", "watch:cs:artist wa"}
	for _, key := range sets {
		if !indexed(t, rdb, key, first.ID) {
			t.Fatalf("the term left %s while bob still watches it", key)
		}
	}
	if !rdb.HExists(ctx, watchlist.TermsKey, first.ID).Val() {
		t.Fatal("the term left watch:terms while bob still watches it")
	}
	if err := s.Remove(ctx, "bob", first.ID); err != nil {
		t.Fatal(err)
	}
	if rdb.HExists(ctx, watchlist.TermsKey, first.ID).Val() || rdb.Exists(ctx, append(sets, "watch:watchers:"+first.ID)...).Val() != 0 {
		t.Fatal("the term is still indexed after its last watcher left")
	}
}

// TestMatchingAgreesWithSearch is the definition of a match: for terms
// people would type (names, words, prefixes, countries, a country and
// words, CJK fragments, styled and accented forms), the purchases matched
// as they were saved are exactly those the search endpoint's query finds,
// and those Term.Matches accepts.
func TestMatchingAgreesWithSearch(t *testing.T) {
	rdb, s, saver := setup(t)
	ps := recorded(t, 200)
	terms := termsFrom(ps)
	watched := map[string]watchlist.Watch{}
	for i, term := range terms {
		watched[term] = add(t, s, fmt.Sprintf("user%d", i/watchlist.MaxTerms), term)
	}
	saveAll(t, saver, ps)

	matchedSome := 0
	for _, term := range terms {
		parsed, _ := watchlist.ParseTerm(term)
		var want []string
		for _, p := range ps {
			if parsed.Matches(p) {
				want = append(want, p.ID)
			}
		}
		got := hitIDs(t, rdb, watched[term].ID)
		found := searchIDs(t, rdb, term)
		slices.Sort(want)
		slices.Sort(got)
		if !slices.Equal(got, want) || !slices.Equal(found, want) {
			t.Errorf("%q: the saves matched %d, the search finds %d, Term.Matches %d\n got %v\n found %v\n want %v",
				term, len(got), len(found), len(want), got, found, want)
		}
		if len(got) > 0 {
			matchedSome++
		}
	}
	if matchedSome < len(terms)/2 {
		t.Errorf("only %d of %d terms matched anything: the test terms are off", matchedSome, len(terms))
	}
	// The terms that name a country and words: each finds some purchase
	// from there, and not every purchase from there.
	countries := map[string]int{}
	for _, p := range ps {
		countries[p.Country]++
	}
	combined := 0
	for _, term := range terms {
		for country, n := range countries {
			if country == "" || term == country || !strings.HasPrefix(term, country+" ") && !strings.HasSuffix(term, " "+country) {
				continue
			}
			if hits := len(hitIDs(t, rdb, watched[term].ID)); hits > 0 && hits < n {
				combined++
			}
		}
	}
	if combined < 20 {
		t.Errorf("only %d terms of a country and words matched some of its purchases", combined)
	}
	t.Logf("%d terms, %d matched something (%d of a country and words), over %d purchases", len(terms), matchedSome, combined, len(ps))
}

// termsFrom makes terms of the kinds people watch from the purchases.
func termsFrom(ps []purchases.Purchase) []string {
	set := map[string]bool{"gore": true, "watched artist": true, "nothing matches this": true, "vinyl": true, "cassette": true}
	for i, p := range ps {
		if i%7 != 0 {
			continue
		}
		folded := strings.Fields(purchases.Fold(p.ArtistName + " " + p.AlbumTitle))
		set[p.ArtistName] = true
		set[p.Country] = true
		if len(folded) > 0 {
			w := []rune(folded[len(folded)-1])
			set[string(w[:min(len(w), 3)])] = true // a prefix being typed
			set[folded[0]+" "+string(w)] = true
		}
		if r := []rune(p.AlbumTitle); len(r) >= 3 {
			set[string(r[:3])] = true // CJK fragments among them
		}
		// A country and words, either way round, as the search reads them:
		// "japan cassette", "cassette japan", "japan cas".
		if item := strings.Fields(purchases.Fold(p.ItemDescription)); i%14 == 0 && p.Country != "" && len(item) > 0 {
			w := item[len(item)-1]
			set[p.Country+" "+w] = true
			set[w+" "+p.Country] = true
			set[p.Country+" "+string([]rune(w)[:min(len([]rune(w)), 3)])] = true
			if len(folded) > 0 {
				set[folded[0]+" "+w+" "+p.Country] = true
			}
		}
	}
	for _, t := range []string{"United States vinyl", "vinyl United Kingdom", "Japan cassette", "Germany digital album"} {
		set[t] = true
	}
	delete(set, "")
	return slices.Sorted(maps.Keys(set))
}

// searchIDs are the ids of every purchase the search endpoint's query finds.
func searchIDs(t *testing.T, rdb *redis.Client, term string) []string {
	t.Helper()
	query, err := purchases.SearchQuery(term)
	if err != nil {
		return nil
	}
	res, err := rdb.FTSearchWithArgs(context.Background(), purchases.IndexAlias, query.Text,
		&redis.FTSearchOptions{NoContent: true, LimitOffset: 0, Limit: 10000, Params: query.Params, DialectVersion: 2}).Result()
	if err != nil {
		t.Fatalf("FT.SEARCH %q: %v", query, err)
	}
	var ids []string
	for _, d := range res.Docs {
		ids = append(ids, strings.TrimPrefix(d.ID, purchases.KeyPrefix))
	}
	slices.Sort(ids)
	return ids
}

// TestCommonWordsAreNotCandidates: a term of two words is indexed under
// the one and the start of the other, so purchases that hold only one of
// them never make the matcher check it.
func TestCommonWordsAreNotCandidates(t *testing.T) {
	ctx := context.Background()
	rdb := redistest.New(t)
	if err := purchases.EnsureIndex(ctx, rdb); err != nil {
		t.Fatal(err)
	}
	matcher := watchlist.NewMatcher(rdb, retention)
	saver := purchases.NewSaver(rdb, retention).WithMatcher(matcher)
	s := watchlist.New(rdb, retention)
	w := add(t, s, "alice", "black night")
	saveAll(t, saver, numbered(20, "Black Sabbath Tribute", "Norway"))
	saveAll(t, saver, numbered(20, "Night Club", "Norway"))
	if st := matcher.Stats(); st.Candidates != 0 || st.Purchases != 40 {
		t.Fatalf("the matcher checked %d candidates for %d purchases that hold one of the words, want none for 40", st.Candidates, st.Purchases)
	}
	saveAll(t, saver, numbered(3, "Black Nightingale", "Norway"))
	if st := matcher.Stats(); st.Candidates != 3 || st.Matches != 3 || st.MatchedPurchases != 3 {
		t.Fatalf("checked %d, matched %d in %d purchases; want 3, 3 and 3", st.Candidates, st.Matches, st.MatchedPurchases)
	}
	if got := hitIDs(t, rdb, w.ID); len(got) != 3 {
		t.Fatalf("hits %v, want 3", got)
	}
}
