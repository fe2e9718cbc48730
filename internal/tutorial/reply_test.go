package tutorial

import (
	"slices"
	"testing"
)

func TestHasData(t *testing.T) {
	cases := []struct {
		name    string
		command string
		reply   any
		want    bool
	}{
		{"nil", "GET", nil, false},
		{"empty string", "GET", "", false},
		{"string", "GET", "01H6YHTCNRVT8QEB60ES7YG8XW", true},
		{"zero", "XLEN", int64(0), false},
		{"count", "ZCARD", int64(12), true},
		{"float", "ZSCORE", 12.5, true},
		{"empty list", "TS.RANGE", []any{}, false},
		{"samples", "TS.RANGE", []any{[]any{int64(1795657920000), "11"}}, true},
		{"nothing pending", "XPENDING", []any{int64(0), nil, nil, nil}, false},
		{"search without hits", "FT.SEARCH", []any{int64(0)}, false},
		{"search count only", "ft.search", []any{int64(3)}, false},
		{"search hits", "FT.SEARCH", []any{int64(1), "purchase:1", []any{"$", "{}"}}, true},
		{"aggregate without rows", "FT.AGGREGATE", []any{int64(0)}, false},
		{"aggregate rows", "FT.AGGREGATE", []any{int64(1), []any{"country_code", "us"}}, true},
		{"scan page without keys", "SCAN", []any{"1024", []any{}}, false},
		{"scan page with keys", "SCAN", []any{"0", []any{"session:abc"}}, true},
		{"type of a missing key", "TYPE", "none", false},
		{"type", "TYPE", "stream", true},
		{"JSON paths without matches", "JSON.GET", `{"$.a":[],"$.b":[]}`, false},
		{"JSON paths", "JSON.GET", `{"$.a":["x"],"$.b":[]}`, true},
		{"JSON null", "JSON.GET", `[null]`, false},
		{"JSON zero is data", "JSON.GET", `[0]`, true},
		{"text starting with a bracket", "GET", "[not json", true},
		{"top rank", "ZREVRANK", int64(0), true},
		{"rank of a missing member", "ZRANK", nil, false},
	}
	for _, c := range cases {
		if got := HasData(c.command, c.reply); got != c.want {
			t.Errorf("%s: HasData(%s, %v) = %v, want %v", c.name, c.command, c.reply, got, c.want)
		}
	}
}

func TestReplyStrings(t *testing.T) {
	reply := []any{int64(1), "purchase:1", []any{"$.id", "1-abc"}, nil}
	if got := ReplyStrings(reply); !slices.Equal(got, []string{"purchase:1", "$.id", "1-abc"}) {
		t.Errorf("ReplyStrings = %q", got)
	}
}
