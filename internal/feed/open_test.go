package feed

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestOpen(t *testing.T) {
	_, up := newFakeFeed(t)
	_, failing := newFakeFeed(t, fault500)
	closed := httptest.NewServer(nil)
	closed.Close()
	cases := []struct {
		name     string
		spec     OpenSpec
		wantMode string
		wantErr  string
		wantLog  string
	}{
		{"auto, live API answers", OpenSpec{Kind: "auto", BaseURL: up.URL, Client: up.Client()}, "live", "", "feed: using live feed"},
		{"empty kind is auto", OpenSpec{BaseURL: up.URL, Client: up.Client()}, "live", "", "feed: using live feed"},
		{"auto, live API fails", OpenSpec{Kind: "auto", BaseURL: failing.URL, Client: failing.Client()}, "synthetic", "",
			"feed: using synthetic feed: live API unreachable: feed: live: GET"},
		{"auto, nothing listening", OpenSpec{Kind: "auto", BaseURL: closed.URL}, "synthetic", "",
			"feed: using synthetic feed: live API unreachable"},
		{"live makes no request up front", OpenSpec{Kind: "live", BaseURL: closed.URL}, "live", "", "feed: using live feed"},
		{"replay", OpenSpec{Kind: "replay", Arg: dataPath(t, recordedFile), KeepTimes: true}, "replay", "", "feed: using replay feed"},
		{"replay without a file", OpenSpec{Kind: "replay"}, "", "needs a file", ""},
		{"replay of a missing file", OpenSpec{Kind: "replay", Arg: "/nonexistent/x.jsonl"}, "", "no such file", ""},
		{"synthetic", OpenSpec{Kind: "synthetic"}, "synthetic", "", "rate=1"},
		{"synthetic at a rate", OpenSpec{Kind: "synthetic", Arg: "2.5"}, "synthetic", "", "rate=2.5"},
		{"synthetic, bad rate", OpenSpec{Kind: "synthetic", Arg: "fast"}, "", "positive number", ""},
		{"synthetic, zero rate", OpenSpec{Kind: "synthetic", Arg: "0"}, "", "positive number", ""},
		{"unknown kind", OpenSpec{Kind: "kafka"}, "", "unknown feed kind", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			log, logs := testLogger()
			c.spec.Logger = log
			start := time.Now()
			src, err := Open(t.Context(), c.spec)
			if time.Since(start) > 4*time.Second {
				t.Errorf("Open took %v", time.Since(start))
			}
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) || !strings.HasPrefix(err.Error(), "feed: ") {
					t.Fatalf("Open = %v, want an error mentioning %q", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if src.Mode() != c.wantMode {
				t.Errorf("mode %q, want %q", src.Mode(), c.wantMode)
			}
			if !strings.Contains(logs.String(), c.wantLog) || !strings.Contains(logs.String(), "level=INFO") {
				t.Errorf("log %q, want it to say %q at info", logs, c.wantLog)
			}
		})
	}
}
