package tutorial

import (
	"slices"
	"testing"
)

func TestCommands(t *testing.T) {
	cases := []struct {
		name    string
		text    string
		want    []string
		wantErr bool
	}{
		{"one per line", "GET a\nGET b", []string{"GET a", "GET b"}, false},
		{"blank lines", "GET a\n\n\nGET b\n", []string{"GET a", "GET b"}, false},
		{"indented lines continue", "FT.SEARCH i *\n    SORTBY t DESC\n    LIMIT 0 1", []string{"FT.SEARCH i * SORTBY t DESC LIMIT 0 1"}, false},
		{"quoted JSON over lines", "JSON.SET k $ '{\"a\": 1,\n    \"b\": 2}'", []string{`JSON.SET k $ '{"a": 1, "b": 2}'`}, false},
		{"comment line", "// read it\nGET a", []string{"GET a"}, false},
		{"indented comment line", "FT.SEARCH i *\n    // newest first\n    SORTBY t DESC", []string{"FT.SEARCH i * SORTBY t DESC"}, false},
		{"trailing comment", "GET a // the key", []string{"GET a"}, false},
		{"slashes inside quotes stay", `GET 'http://x' // c`, []string{`GET 'http://x'`}, false},
		{"slashes outside quotes are a comment", "XADD s * url //x.example", []string{"XADD s * url"}, false},
		{"HTML entities", "GET a&amp;b", []string{"GET a&b"}, false},
		{"run parameters line", "[results=single]\nGET a", []string{"GET a"}, false},
		{"repeat count", "3 INCR x", nil, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := Commands(c.text)
			if (err != nil) != c.wantErr {
				t.Fatalf("Commands(%q) error %v, want error %v", c.text, err, c.wantErr)
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("Commands(%q) = %q, want %q", c.text, got, c.want)
			}
		})
	}
}

func TestCommentCuts(t *testing.T) {
	cases := []struct {
		text string
		cut  int
	}{
		{"GET a", 0},
		{"// a comment", 0},
		{"    // an indented comment", 0},
		{`GET 'http://x'`, 0},
		{"XADD s * url //x", 1},
		{"GET a // a note", 1},
		{"XADD s * item '{\"a\": 1,\n    \"url\": \"//x\"}'", 0},
	}
	for _, c := range cases {
		if got := CommentCuts(c.text); len(got) != c.cut {
			t.Errorf("CommentCuts(%q) = %q, want %d lines", c.text, got, c.cut)
		}
	}
}

func TestRefused(t *testing.T) {
	cases := []struct {
		line           string
		workbench, cli bool // refused there
	}{
		{"XREADGROUP GROUP g c STREAMS s >", true, false},
		{"XREADGROUP GROUP g c COUNT 2 STREAMS s >", true, false},
		{"xread COUNT 1 STREAMS s 0", true, false},
		{"BLPOP l 0", true, false},
		{"SELECT 1", true, false},
		{"MONITOR", true, true},
		{"SUBSCRIBE ch", true, true},
		{"HELLO 3", true, true},
		{"XRANGE s - +", false, false},
		{"XINFO GROUPS s", false, false},
		{"FT.SEARCH i *", false, false},
	}
	for _, c := range cases {
		if got := Refused(c.line) != ""; got != c.workbench {
			t.Errorf("Refused(%q) = %v, want %v", c.line, got, c.workbench)
		}
		if got := RefusedInCLI(c.line) != ""; got != c.cli {
			t.Errorf("RefusedInCLI(%q) = %v, want %v", c.line, got, c.cli)
		}
	}
}
