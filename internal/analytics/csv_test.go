package analytics

import (
	"encoding/csv"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestAppendCell(t *testing.T) {
	cases := []struct{ in, want string }{
		{"", ""},
		{"Girl Band", "Girl Band"},
		{"Comma, Inc.", `"Comma, Inc."`},
		{`Say "hi"`, `"Say ""hi"""`},
		{"two\nlines", "\"two\nlines\""},
		{"cr\rlf", "\"cr\rlf\""},
		{"=HYPERLINK(\"http://x\")", `"'=HYPERLINK(""http://x"")"`},
		{"=1+2", "'=1+2"},
		{"+1", "'+1"},
		{"-5", "'-5"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\tTab", "'\tTab"},
		{"\rCR", "\"'\rCR\""},
		{"a=b", "a=b"},
		{" =lead space", " =lead space"},
		{"𝐺𝑂𝑅𝐸", "𝐺𝑂𝑅𝐸"},
		{"bad \xff byte", "bad \uFFFD byte"},
	}
	for _, c := range cases {
		if got := string(AppendCell(nil, c.in)); got != c.want {
			t.Errorf("AppendCell(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// FuzzAppendCell: whatever the text, a CSV reader reads the cell back as
// one field equal to the text (neutralised, valid UTF-8), and no field
// starts with a character that makes a spreadsheet run a formula.
func FuzzAppendCell(f *testing.F) {
	for _, s := range []string{"", "plain", "a,b", `"q"`, "l\nf", "\r\n", "=x", "+x", "-x", "@x", "\tx", "\rx", "\xff", "'=x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		cell := AppendCell(nil, s)
		if !utf8.Valid(cell) {
			t.Fatalf("AppendCell(%q) = %q: not UTF-8", s, cell)
		}
		// A second field, so that an empty cell is still a record.
		r := csv.NewReader(strings.NewReader(string(cell) + ",end\r\n"))
		records, err := r.ReadAll()
		if err != nil || len(records) != 1 || len(records[0]) != 2 || records[0][1] != "end" {
			t.Fatalf("AppendCell(%q) = %q: read back as %q, %v", s, cell, records, err)
		}
		want := strings.ToValidUTF8(s, "\uFFFD")
		if want != "" && strings.ContainsRune("=+-@\t\r", rune(want[0])) {
			want = "'" + want
		}
		// encoding/csv reads a quoted CRLF as LF.
		if got := records[0][0]; got != strings.ReplaceAll(want, "\r\n", "\n") {
			t.Fatalf("AppendCell(%q) read back as %q, want %q", s, got, want)
		}
		if got := records[0][0]; got != "" && strings.ContainsRune("=+-@\t\r", rune(got[0])) {
			t.Fatalf("AppendCell(%q) read back as %q: a formula", s, got)
		}
	})
}
