package app_test

import (
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/beatsbyredis/beats/internal/apptest"
	"github.com/beatsbyredis/beats/internal/purchases"
	"github.com/beatsbyredis/beats/internal/redistest"
	"github.com/beatsbyredis/beats/internal/testwait"
)

var nextLink = regexp.MustCompile(`^<(/purchase/search\?[^>]+)>; rel="next"$`)

// TestSearchShowMore follows the Link header's next page from the first
// page of ten to the last, over the replayed real feed.
func TestSearchShowMore(t *testing.T) {
	srv := redistest.Server(t)
	rdb := redistest.Connect(t, srv.URL())
	in := apptest.Start(t, srv.URL(), "--feed", "replay:"+replayFile, "--speed", "0")
	testwait.Until(t, 10*time.Second, "264 purchases", func() bool { return apptest.CountPurchases(t, rdb) == 264 })
	client := login(t, in, "pager")
	get := func(path string) ([]purchases.Purchase, string, int) {
		t.Helper()
		resp, err := client.Get(in.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		var found []purchases.Purchase
		if resp.StatusCode == http.StatusOK {
			if err := json.Unmarshal(body, &found); err != nil {
				t.Fatalf("%s: %v: %s", path, err, body)
			}
		}
		return found, resp.Header.Get("Link"), resp.StatusCode
	}

	seen := map[string]bool{}
	path, pages := "/purchase/search?term=united+states", 0
	for path != "" {
		found, link, status := get(path)
		if status != http.StatusOK || len(found) == 0 || len(found) > 10 {
			t.Fatalf("%s: %d, %d purchases", path, status, len(found))
		}
		pages++
		for _, p := range found {
			if seen[p.ID] || p.Country != "United States" {
				t.Fatalf("page %d: %s (%s) twice or from elsewhere", pages, p.ID, p.Country)
			}
			seen[p.ID] = true
		}
		path = ""
		if m := nextLink.FindStringSubmatch(link); m != nil {
			path = m[1]
		} else if link != "" {
			t.Fatalf("Link %q", link)
		} else if len(found) == 10 && pages == 1 {
			t.Fatal("a full first page without a next link")
		}
	}
	if pages < 3 {
		t.Fatalf("%d purchases in %d pages: want the recording's many from the United States", len(seen), pages)
	}
	if _, _, status := get("/purchase/search?term=x&cursor=bogus"); status != http.StatusBadRequest {
		t.Fatalf("a forged cursor: %d, want 400", status)
	}
}
