package watchlist

import (
	"errors"
	"testing"
)

func TestParseCursor(t *testing.T) {
	id := "0123456789abcdef0123456789abcdef"
	tests := []struct {
		in  string
		ok  bool
		out cursor
	}{
		{"", true, cursor{}},
		{"1733400000000-3." + id + ".25", true, cursor{at: streamID{1733400000000, 3}, termID: id, count: 25}},
		{"1-0." + id + ".500", true, cursor{at: streamID{1, 0}, termID: id, count: 500}},
		{"1-0." + id + ".501", false, cursor{}},
		{"1-0." + id, false, cursor{}},
		{"1-0.NOTHEX." + "25", false, cursor{}},
		{"99999999999999999999-0." + id + ".0", false, cursor{}},
		{" 1-0." + id + ".1", false, cursor{}},
	}
	for _, tt := range tests {
		got, err := parseCursor(tt.in)
		if tt.ok != (err == nil) || (err != nil && !errors.Is(err, ErrBadCursor)) || got != tt.out {
			t.Errorf("parseCursor(%q) = %+v, %v", tt.in, got, err)
		}
	}
}

func FuzzParseCursor(f *testing.F) {
	f.Add("1733400000000-3.0123456789abcdef0123456789abcdef.25")
	f.Add("")
	f.Add("1-0..1")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := parseCursor(s)
		if err != nil || s == "" {
			return
		}
		if back := c.String(); back != s {
			// Leading zeros are the only other spelling of a valid cursor.
			if again, err := parseCursor(back); err != nil || again != c {
				t.Fatalf("parseCursor(%q) = %+v, whose String %q reads back as %+v, %v", s, c, back, again, err)
			}
		}
	})
}
