package feed

import (
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
)

func TestDecodeRealAnswers(t *testing.T) {
	lines := recordedLines(t)
	if len(lines) != 8 {
		t.Fatalf("recorded file has %d answers, want 8", len(lines))
	}
	whole, err := os.ReadFile(dataPath(t, "get-answer-2025-06.json"))
	if err != nil {
		t.Fatal(err)
	}
	type tc struct {
		name                 string
		body                 []byte
		start, end, server   int64
		delay, events, items int
	}
	cases := []tc{{
		name: "get 2025 (pretty, every key)", body: whole,
		start: 1749583860, end: 1749584460, server: 1749584469, delay: 120, events: 2, items: 2,
	}}
	wantEvents := []int{17, 28, 44, 18, 21, 32, 33, 37}
	wantItems := []int{19, 38, 56, 21, 23, 33, 37, 37}
	for i, l := range lines {
		start := int64(1599688800 + 60*i)
		c := tc{name: "2020 line " + string(rune('1'+i)), body: l, start: start, end: start + 60,
			server: start + 69, delay: 120, events: wantEvents[i], items: wantItems[i]}
		cases = append(cases, c)
		w := c
		w.name += " wrapped as get_initial"
		w.body = append(append([]byte(`{"feed_data": `), l...), '}')
		cases = append(cases, w)
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a, err := DecodeAnswer(c.body)
			if err != nil {
				t.Fatal(err)
			}
			if a.StartDate != c.start || a.EndDate != c.end || a.ServerTime != c.server || a.DataDelaySec != c.delay {
				t.Errorf("window = %d..%d server %d delay %d, want %d..%d server %d delay %d",
					a.StartDate, a.EndDate, a.ServerTime, a.DataDelaySec, c.start, c.end, c.server, c.delay)
			}
			items := 0
			for _, ev := range a.Events {
				if ev.EventType != "sale" || ev.UTCDate == 0 || len(ev.Items) == 0 {
					t.Errorf("bad event %+v", ev)
				}
				for _, it := range ev.Items {
					items++
					if it.UTCDate == 0 || it.URL == "" || it.ArtistName == "" || it.CountryCode == "" {
						t.Errorf("item lost fields: %+v", it)
					}
				}
			}
			if len(a.Events) != c.events || items != c.items {
				t.Errorf("%d events, %d items; want %d, %d", len(a.Events), items, c.events, c.items)
			}
		})
	}
}

// TestDecodeItemFirstAnswer pins every field of one real item, so a field
// dropped by the tolerant decoder shows up.
func TestDecodeItemFirstAnswer(t *testing.T) {
	a, err := DecodeAnswer(recordedLines(t)[0])
	if err != nil {
		t.Fatal(err)
	}
	got := a.Events[3].Items[0]
	want := Item{
		UTCDate: 1599688806.94234, ArtistName: "WHITE NOISE TV", ItemType: "p",
		ItemDescription: "Limited Edition Compact Disc", AlbumTitle: ptr("WHITE NOISE TV"), SlugType: ptr("a"),
		Currency: "EUR", AmountPaid: 10.5, ItemPrice: 10.5, AmountPaidUSD: 12.39, Country: "United Kingdom",
		CountryCode: "gb", PackageImageID: ptr[int64](20476345), URL: "//alicesitski.bandcamp.com/album/white-noise-tv",
		AmountPaidFmt: "€10.50", ArtURL: "https://f4.bcbits.com/img/0020476345_37.jpg",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("item\n got %+v\nwant %+v", got, want)
	}
}

func TestDecodeTolerance(t *testing.T) {
	cases := []struct {
		name  string
		body  string
		check func(t *testing.T, a Answer)
	}{
		{"numbers as strings and decimals", `{"start_date":"1599688800","end_date":1599688860.0,"server_time":"1599688869.0","data_delay_sec":"120",
			"events":[{"event_type":"sale","utc_date":"1599688803.5","items":[{"utc_date":"1599688803.5175","art_id":"206405257.0",
			"package_image_id":123.0,"amount_paid":"9.99","item_price":"9.98999977111816","amount_paid_usd":9,"addl_count":"2","releases":" 8 "}]}]}`,
			func(t *testing.T, a Answer) {
				it := a.Events[0].Items[0]
				if a.StartDate != 1599688800 || a.EndDate != 1599688860 || a.ServerTime != 1599688869 || a.DataDelaySec != 120 {
					t.Errorf("window %+v", a)
				}
				if it.UTCDate != 1599688803.5175 || *it.ArtID != 206405257 || *it.PackageImageID != 123 || it.AmountPaid != 9.99 ||
					it.AmountPaidUSD != 9 || *it.AddlCount != 2 || *it.Releases != 8 {
					t.Errorf("item %+v", it)
				}
			}},
		{"string null: nil for numbers, kept for strings", `{"events":[{"event_type":"sale","utc_date":1,"items":[{"art_id":"null",
			"releases":"null","package_image_id":"33093824","track_album_slug_text":"null","album_title":null,"amount_paid":"null"}]}]}`,
			func(t *testing.T, a Answer) {
				it := a.Events[0].Items[0]
				if it.ArtID != nil || it.Releases != nil || *it.PackageImageID != 33093824 || it.AlbumTitle != nil || it.AmountPaid != 0 {
					t.Errorf("item %+v", it)
				}
				if it.TrackAlbumSlugText == nil || *it.TrackAlbumSlugText != "null" {
					t.Errorf("track_album_slug_text %v, want the string null kept", it.TrackAlbumSlugText)
				}
			}},
		{"64-bit art ids exactly", `{"events":[{"event_type":"sale","items":[{"art_id":4294967295},{"art_id":"9007199254740993"},{"art_id":1.5}]}]}`,
			func(t *testing.T, a Answer) {
				its := a.Events[0].Items
				if *its[0].ArtID != 4294967295 || *its[1].ArtID != 9007199254740993 || its[2].ArtID != nil {
					t.Errorf("ids %v %v %v", its[0].ArtID, its[1].ArtID, its[2].ArtID)
				}
			}},
		{"missing keys, nulls and odd shapes", `{"events":[{"event_type":"sale","items":[{"utc_date":{},"artist_name":42,"amount_paid":[1],
			"art_id":true,"country":null}, null, 7]}], "start_date": null}`,
			func(t *testing.T, a Answer) {
				if a.StartDate != 0 || len(a.Events) != 1 || len(a.Events[0].Items) != 1 {
					t.Fatalf("answer %+v", a)
				}
				it := a.Events[0].Items[0]
				if it.UTCDate != 0 || it.ArtistName != "42" || it.AmountPaid != 0 || it.ArtID != nil || it.Country != "" {
					t.Errorf("item %+v", it)
				}
			}},
		{"non-sale events skipped", `{"events":[{"event_type":"refund","items":[{}]},{"items":[{}]},"x",{"event_type":"sale","items":"no"},
			{"event_type":"sale","utc_date":5,"items":[]}]}`,
			func(t *testing.T, a Answer) {
				if len(a.Events) != 1 || a.Events[0].UTCDate != 5 {
					t.Errorf("events %+v", a.Events)
				}
			}},
		{"NaN, Inf and overflow are not numbers", `{"events":[{"event_type":"sale","utc_date":"NaN","items":[{"utc_date":"Infinity","amount_paid":1e400,"art_id":"1e30"}]}]}`,
			func(t *testing.T, a Answer) {
				it := a.Events[0].Items[0]
				if a.Events[0].UTCDate != 0 || it.UTCDate != 0 || it.AmountPaid != 0 || it.ArtID != nil {
					t.Errorf("item %+v", it)
				}
			}},
		{"empty answer, BOM and whitespace", "\xef\xbb\xbf \n{}\n", func(t *testing.T, a Answer) {
			if !reflect.DeepEqual(a, Answer{Events: nil}) {
				t.Errorf("answer %+v", a)
			}
		}},
		{"feed_data that is not an object is ignored", `{"feed_data":5,"start_date":60}`, func(t *testing.T, a Answer) {
			if a.StartDate != 60 {
				t.Errorf("answer %+v", a)
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a, err := DecodeAnswer([]byte(c.body))
			if err != nil {
				t.Fatal(err)
			}
			c.check(t, a)
		})
	}
}

func TestDecodeRejects(t *testing.T) {
	real := recordedLines(t)[0]
	cases := []struct{ name, body, want string }{
		{"empty", "", "empty body"},
		{"blank", " \n\t", "empty body"},
		{"HTML error page", "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head></html>", "HTML page"},
		{"HTML after whitespace", "\n  <html>", "HTML page"},
		{"truncated", string(real[:len(real)/2]), "truncated JSON"},
		{"truncated wrapper", `{"feed_data": {"start_date": 1`, "truncated JSON"},
		{"trailing garbage", `{"start_date": 1}}`, "invalid JSON"},
		{"not JSON", "Service Unavailable", "invalid JSON"},
		{"array", `[{"start_date": 1}]`, "not an object"},
		{"string", `"feed"`, "not an object"},
		{"events not a list", `{"events": {"a": 1}}`, "events is not a list"},
		{"API error", `{"error": true, "error_message": "rate limited"}`, "rate limited"},
		// 9000 levels took seconds before the depth cap; it must fail at once.
		{"feed_data nested deep", strings.Repeat(`{"feed_data":`, 9000) + "{}" + strings.Repeat("}", 9000), "nested"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := DecodeAnswer([]byte(c.body))
			if err == nil {
				t.Fatal("decoded, want an error")
			}
			if !errors.Is(err, ErrBadAnswer) {
				t.Errorf("error %v does not wrap ErrBadAnswer", err)
			}
			if !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "feed: ") {
				t.Errorf("error %q, want it to mention %q", err, c.want)
			}
		})
	}
}

func TestBareAnswerUnwrapsAndCompacts(t *testing.T) {
	line := recordedLines(t)[2]
	wrapped := append(append([]byte("{\n  \"feed_data\" : "), line...), "\n}"...)
	raw, ans, err := bareAnswer(wrapped)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range raw {
		if c == '\n' {
			t.Fatal("bare answer spans lines")
		}
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil || m["feed_data"] != nil || m["events"] == nil {
		t.Fatalf("bare answer is not the inner object: %v %s", err, raw[:60])
	}
	again, err := DecodeAnswer(raw)
	if err != nil || !reflect.DeepEqual(again, ans) {
		t.Errorf("bare answer decodes differently: %v", err)
	}
}
