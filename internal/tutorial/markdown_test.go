package tutorial

import (
	"slices"
	"strings"
	"testing"
)

const samplePage = "# Title\n" +
	"\n" +
	"```text\n" +
	"FT.CREATE idx ...\n" +
	"```\n" +
	"\n" +
	"<!-- returns data -->\n" +
	"<!-- app: search gore -->\n" +
	"```redis Search for gore\n" +
	"FT.SEARCH idx:purchases '@search_text:(gore*)'\n" +
	"```\n" +
	"\n" +
	"<!-- not a marker: a blank line follows -->\n" +
	"\n" +
	"```redis:[run_confirmation=true] Add one\n" +
	"XADD purchases * id x\n" +
	"    item y\n" +
	"```\n"

func TestParseBlocks(t *testing.T) {
	blocks, err := ParseBlocks("sample.md", samplePage)
	if err != nil {
		t.Fatal(err)
	}
	want := []Block{
		{File: "sample.md", Line: 3, Lang: "text", Text: "FT.CREATE idx ..."},
		{File: "sample.md", Line: 9, Lang: "redis", Label: "Search for gore",
			Text: "FT.SEARCH idx:purchases '@search_text:(gore*)'", Markers: []string{"returns data", "app: search gore"}},
		{File: "sample.md", Line: 15, Lang: "redis", Params: "[run_confirmation=true]", Label: "Add one",
			Text: "XADD purchases * id x\n    item y"},
	}
	if len(blocks) != len(want) {
		t.Fatalf("got %d blocks, want %d: %+v", len(blocks), len(want), blocks)
	}
	for i := range want {
		g, w := blocks[i], want[i]
		if g.File != w.File || g.Line != w.Line || g.Lang != w.Lang || g.Params != w.Params ||
			g.Label != w.Label || g.Text != w.Text || !slices.Equal(g.Markers, w.Markers) {
			t.Errorf("block %d = %+v, want %+v", i, g, w)
		}
	}
	if !blocks[1].Runnable() || blocks[0].Runnable() {
		t.Error("only redis blocks are runnable")
	}
	if arg, ok := blocks[1].Marker("app:"); !ok || arg != "search gore" {
		t.Errorf(`Marker("app:") = %q, %v`, arg, ok)
	}
	if _, ok := blocks[1].Marker("returns data"); !ok {
		t.Error(`Marker("returns data") not found`)
	}
	if _, ok := blocks[2].Marker("returns data"); ok {
		t.Error("a comment separated by a blank line is not a marker")
	}
}

func TestParseBlocksErrors(t *testing.T) {
	cases := []struct{ name, md, want string }{
		{"unclosed", "```redis Go\nGET a\n", "not closed"},
		{"indented fence", "  ```redis Go\nGET a\n  ```\n", "indented fence"},
		{"no language", "```\nGET a\n```\n", "without a language"},
		{"carriage return", "```redis Go\r\nGET a\r\n```\r\n", "carriage return"},
	}
	for _, c := range cases {
		_, err := ParseBlocks("x.md", c.md)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one about %q", c.name, err, c.want)
		}
	}
}

func TestParseParams(t *testing.T) {
	cases := []struct {
		params string
		ok     bool
	}{
		{"", true},
		{"[run_confirmation=true]", true},
		{"[results=single;mode=raw]", true},
		{"[pipeline=8;mode=raw;results=single;]", true},
		{"[run_confirmation=false]", false}, // only true is documented
		{"[results=single; mode=raw]", false},
		{"[colour=red]", false},
		{"[pipeline=many]", false},
		{"results=single", false},
	}
	for _, c := range cases {
		if _, err := ParseParams(c.params); (err == nil) != c.ok {
			t.Errorf("ParseParams(%q) error %v, want ok %v", c.params, err, c.ok)
		}
	}
}
