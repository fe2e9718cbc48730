package app_test

import (
	"cmp"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/beatsbyredis/beats/internal/apptest"
	"github.com/beatsbyredis/beats/internal/feed"
	"github.com/beatsbyredis/beats/internal/purchases"
	"github.com/beatsbyredis/beats/internal/redistest"
	"github.com/beatsbyredis/beats/internal/testwait"
)

// recorded is the replay's purchases, read from the file on their own.
func recorded(t *testing.T) []purchases.Purchase {
	t.Helper()
	replay, err := feed.NewReplay(replayFile, feed.ReplayOptions{KeepTimes: true, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	var out []purchases.Purchase
	err = feed.Run(t.Context(), replay, 0, func(_ context.Context, s feed.Sale) error {
		for _, it := range s.Items {
			out = append(out, purchases.Normalize(it))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// independent counts the purchases dated in [from, to) ms, from the file.
type independent struct {
	purchases int
	cents     int64
	by        map[string]map[string][2]int64 // dimension → key → purchases, cents
	artists   map[string]int64
	biggest   purchases.Purchase
	ids       []string // oldest first
}

func countRecorded(ps []purchases.Purchase, from, to int64) independent {
	c := independent{artists: map[string]int64{}, by: map[string]map[string][2]int64{"item_type": {}, "country": {}, "currency": {}}}
	sorted := slices.Clone(ps)
	slices.SortStableFunc(sorted, func(a, b purchases.Purchase) int { return cmp.Compare(a.UTCDateRaw, b.UTCDateRaw) })
	for _, p := range sorted {
		if p.UTCDateRaw < float64(from)/1000 || p.UTCDateRaw >= float64(to)/1000 {
			continue
		}
		cents := int64(math.Round(p.AmountPaidUSD * 100))
		c.purchases++
		c.cents += cents
		for dim, key := range map[string]string{"item_type": p.ItemType, "country": p.CountryCode, "currency": p.Currency} {
			v := c.by[dim][key]
			c.by[dim][key] = [2]int64{v[0] + 1, v[1] + cents}
		}
		c.artists[p.ArtistName] += cents
		if big := int64(math.Round(c.biggest.AmountPaidUSD * 100)); c.biggest.ID == "" || cents > big || (cents == big && p.ID < c.biggest.ID) {
			c.biggest = p
		}
		c.ids = append(c.ids, p.ID)
	}
	return c
}

func getJSON(t *testing.T, client *http.Client, url string, into any) {
	t.Helper()
	status, body := call(t, client, "GET", url, "")
	if status != http.StatusOK {
		t.Fatalf("GET %s: %d %s", url, status, body)
	}
	if err := json.Unmarshal(body, into); err != nil {
		t.Fatalf("GET %s: %v: %s", url, err, body)
	}
}

// TestRangeEndpointsEqualTheRecording replays the recorded feed with its
// own times and checks every range endpoint, for ranges on whole hours and
// days and ranges cutting through minutes, against sums made from the file.
func TestRangeEndpointsEqualTheRecording(t *testing.T) {
	srv := redistest.Server(t)
	rdb := redistest.Connect(t, srv.URL())
	// A retention that reaches back to 2020, so the recording is inside it.
	in := apptest.Start(t, srv.URL(), "--feed", "replay:"+replayFile, "--speed", "0", "--keep-times", "--retention", "3650d")
	testwait.Until(t, 10*time.Second, "264 purchases", func() bool { return apptest.CountPurchases(t, rdb) == 264 })
	client := login(t, in, "ranges")
	ps := recorded(t)

	at := func(s string) int64 {
		tm, err := time.Parse("2006-01-02 15:04:05.000", s)
		if err != nil {
			t.Fatal(err)
		}
		return tm.UnixMilli()
	}
	ranges := []struct {
		name     string
		from, to int64
	}{
		{"a whole hour", at("2020-09-09 22:00:00.000"), at("2020-09-09 23:00:00.000")},
		{"a whole day", at("2020-09-09 00:00:00.000"), at("2020-09-10 00:00:00.000")},
		{"days and hours", at("2020-09-07 21:00:00.000"), at("2020-09-10 03:00:00.000")},
		{"through minutes", at("2020-09-09 22:02:17.250"), at("2020-09-09 22:05:41.999")},
		{"edges round an hour", at("2020-09-09 21:59:59.500"), at("2020-09-09 23:00:00.001")},
		{"the minutes 22:03–22:07", at("2020-09-09 22:03:00.000"), at("2020-09-09 22:07:00.000")},
		{"the last purchase's instant", int64(math.Ceil(ps[len(ps)-1].UTCDateRaw * 1000)), at("2020-09-09 23:00:00.000")},
	}
	for _, r := range ranges {
		t.Run(r.name, func(t *testing.T) {
			q := fmt.Sprintf("from=%d&to=%d", r.from, r.to)
			want := countRecorded(ps, r.from, r.to)
			var sum struct {
				From, To                      int64
				Purchases, Artists, Countries int
				USD                           float64
				Biggest                       *purchases.Purchase
			}
			getJSON(t, client, in.URL+"/purchases/summary?"+q, &sum)
			countries := 0
			for code := range want.by["country"] {
				if code != "" {
					countries++
				}
			}
			// Distinct artists are a HyperLogLog's estimate: within 2 % or one.
			if d := math.Abs(float64(sum.Artists - len(want.artists))); sum.From != r.from || sum.To != r.to || sum.Purchases != want.purchases ||
				sum.USD != float64(want.cents)/100 || d > max(1, 0.02*float64(len(want.artists))) || sum.Countries != countries {
				t.Errorf("summary %+v; want %d purchases, %d cents, %d artists, %d countries", sum, want.purchases, want.cents, len(want.artists), countries)
			}
			if (sum.Biggest == nil) != (want.purchases == 0) || (sum.Biggest != nil && sum.Biggest.ID != want.biggest.ID) {
				t.Errorf("biggest %+v, want %s", sum.Biggest, want.biggest.ID)
			}

			for _, by := range []string{"item_type", "country", "currency"} {
				var b struct {
					By   string
					Rows []struct {
						Key, Label string
						Purchases  int64
						USD        float64
					}
				}
				getJSON(t, client, in.URL+"/purchases/breakdown?by="+by+"&"+q, &b)
				got := map[string][2]int64{}
				for i, row := range b.Rows {
					got[row.Key] = [2]int64{row.Purchases, int64(math.Round(row.USD * 100))}
					if i > 0 && row.USD > b.Rows[i-1].USD {
						t.Errorf("%s: rows not highest USD first: %+v", by, b.Rows)
					}
				}
				if b.By != by || !mapsEqual(got, want.by[by]) {
					t.Errorf("breakdown by %s = %v, want %v", by, got, want.by[by])
				}
			}

			var m struct {
				Countries []struct {
					Code      string
					Purchases int64
					USD       float64
				}
			}
			getJSON(t, client, in.URL+"/purchases/by-country?"+q, &m)
			gotMap := map[string][2]int64{}
			for _, c := range m.Countries {
				gotMap[c.Code] = [2]int64{c.Purchases, int64(math.Round(c.USD * 100))}
			}
			wantMap := want.by["country"]
			delete(wantMap, "")
			if !mapsEqual(gotMap, wantMap) {
				t.Errorf("by-country = %v, want %v", gotMap, wantMap)
			}

			var top struct {
				Labels []string
				Series []float64
			}
			getJSON(t, client, in.URL+"/purchases/top-sellers?"+q, &top)
			var artists []string
			for a := range want.artists {
				artists = append(artists, a)
			}
			slices.SortFunc(artists, func(a, b string) int { return cmp.Or(cmp.Compare(want.artists[b], want.artists[a]), cmp.Compare(a, b)) })
			artists = artists[:min(5, len(artists))]
			if !slices.Equal(top.Labels, artists) {
				t.Errorf("top sellers %v, want %v", top.Labels, artists)
			}
			for i, usd := range top.Series {
				if int64(math.Round(usd*100)) != want.artists[top.Labels[i]] {
					t.Errorf("top seller %s: %v USD, want %d cents", top.Labels[i], usd, want.artists[top.Labels[i]])
				}
			}

			resp, err := client.Get(in.URL + "/purchases/export?" + q)
			if err != nil {
				t.Fatal(err)
			}
			records, err := csv.NewReader(resp.Body).ReadAll()
			resp.Body.Close()
			if err != nil || resp.Header.Get("Content-Type") != "text/csv; charset=utf-8; header=present" ||
				!strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment; ") {
				t.Fatalf("export: %v, %v", err, resp.Header)
			}
			var ids []string
			for _, rec := range records[1:] {
				ids = append(ids, rec[0])
			}
			if !slices.Equal(ids, want.ids) {
				t.Errorf("export rows %v, want %v", ids, want.ids)
			}
		})
	}

	// Without a range: the whole retention, so the whole recording.
	var all struct{ Purchases int }
	getJSON(t, client, in.URL+"/purchases/summary", &all)
	if all.Purchases != 264 {
		t.Errorf("summary without a range: %d purchases, want 264", all.Purchases)
	}
	// The history with the same bounds, on whole minutes: from in, to out.
	var points []purchases.Point
	getJSON(t, client, in.URL+fmt.Sprintf("/purchases/history?from=%d&to=%d", at("2020-09-09 22:03:00.000"), at("2020-09-09 22:07:00.000")), &points)
	var n float64
	for _, p := range points {
		n += p.Y
	}
	if want := countRecorded(ps, at("2020-09-09 22:03:00.000"), at("2020-09-09 22:07:00.000")).purchases; n != float64(want) || len(points) != 4 {
		t.Errorf("history 22:03–22:07: %d minutes, %v purchases; want 4, %d", len(points), n, want)
	}
}

func mapsEqual(a, b map[string][2]int64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// TestWindowsEndNow: by-country?window=5m counts the last five minutes and
// never a purchase dated after now; bad range parameters get a 400.
func TestWindowsEndNow(t *testing.T) {
	srv := redistest.Server(t)
	rdb := redistest.Connect(t, srv.URL())
	in := apptest.Start(t, srv.URL(), "--feed", "replay:"+replayFile, "--speed", "0", "--keep-times", "--retention", "3650d")
	client := login(t, in, "windows")
	saver := purchases.NewSaver(rdb, 24*time.Hour)
	now := time.Now()
	for _, it := range []feed.Item{
		{UTCDate: float64(now.Add(-2*time.Minute).UnixMicro()) / 1e6, ArtistName: "Now", AmountPaidUSD: 3, Country: "Japan", CountryCode: "jp", URL: "//now.bandcamp.com/album/a"},
		{UTCDate: float64(now.Add(40*time.Second).UnixMicro()) / 1e6, ArtistName: "Later", AmountPaidUSD: 5, Country: "Peru", CountryCode: "pe", URL: "//later.bandcamp.com/album/a"},
	} {
		if _, err := saver.Save(t.Context(), purchases.Normalize(it)); err != nil {
			t.Fatal(err)
		}
	}
	var m struct {
		Window, Countries any
		From, To          int64
	}
	getJSON(t, client, in.URL+"/purchases/by-country?window=5m", &m)
	if got := fmt.Sprint(m.Countries); got != "[map[code:jp name:Japan purchases:1 usd:3]]" {
		t.Errorf("window 5m: %s, want Japan's one purchase and not Peru's, dated later than now", got)
	}
	if m.Window != "5m" || m.To-m.From != (5*time.Minute).Milliseconds() || m.To > time.Now().UnixMilli() {
		t.Errorf("window 5m answered %v %d–%d", m.Window, m.From, m.To)
	}

	for _, path := range []string{
		"/purchases/summary?from=soon", "/purchases/summary?from=-1", "/purchases/summary?from=10&to=5",
		"/purchases/breakdown?by=artist", "/purchases/breakdown", "/purchases/by-country?window=1h&from=5",
		"/purchases/trending?window=2h", "/purchases/export?format=xlsx", "/purchases/export?term=%01",
		"/purchases/top-sellers?to=x",
	} {
		resp, err := client.Get(in.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), `"error"`) {
			t.Errorf("GET %s: %d %s, want 400 with a JSON error", path, resp.StatusCode, body)
		}
	}
}
