package analytics_test

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/beatsbyredis/beats/internal/analytics"
	"github.com/beatsbyredis/beats/internal/purchases"
)

// hostile are artist names a CSV file must carry intact and a spreadsheet
// must not run.
var hostile = []string{"Comma, Inc.", `Say "hi"`, "Two\nLines", "CR\r\nLF", `=HYPERLINK("http://x","y")`, "+1 Club", "-dash-", "@handle", "\tTabbed", "\rReturn"}

// TestExportWritesEveryPurchaseInOrder exports ranges as CSV and NDJSON
// and reads them back: every purchase of the range once, oldest first, each
// field as the API shows it, names with commas, quotes and line breaks
// intact and formula-like text neutralised.
func TestExportWritesEveryPurchaseInOrder(t *testing.T) {
	rdb := setup(t)
	start := time.Date(2026, 3, 1, 20, 10, 0, 0, time.UTC)
	ps := synthetic(start, 30*time.Hour, 90, 9)
	for i, name := range hostile {
		ps[100+i*50].ArtistName = name
	}
	store(t, rdb, ps)
	now := start.Add(31 * time.Hour)
	svc := analytics.New(rdb, analytics.Options{Retention: retention, Now: func() time.Time { return now }})
	reader := purchases.NewReader(rdb)

	r := analytics.Range{From: start.Add(17*time.Minute + 3*time.Second).UnixMilli(), To: start.Add(28*time.Hour + 41*time.Minute).UnixMilli()}
	want := count(ps, r).found
	slices.SortFunc(want, func(a, b purchases.Purchase) int { return compareTime(a, b) })

	var out bytes.Buffer
	rows, err := svc.Export(t.Context(), &out, analytics.ExportQuery{Range: r, Format: analytics.FormatCSV})
	if err != nil || rows != int64(len(want)) {
		t.Fatalf("CSV export: %d rows, %v; want %d", rows, err, len(want))
	}
	if !bytes.HasSuffix(out.Bytes(), []byte("\r\n")) || bytes.Count(out.Bytes(), []byte("\r\n")) < len(want)+1 {
		t.Error("rows do not end in CRLF")
	}
	records, err := csv.NewReader(&out).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(records[0], analytics.Columns) {
		t.Fatalf("header %q", records[0])
	}
	if len(records)-1 != len(want) {
		t.Fatalf("%d rows read back, want %d", len(records)-1, len(want))
	}
	for i, rec := range records[1:] {
		p, err := reader.Get(t.Context(), want[i].ID)
		if err != nil {
			t.Fatal(err)
		}
		if rec[0] != p.ID {
			t.Fatalf("row %d is %s, want %s (oldest first)", i, rec[0], p.ID)
		}
		wantName := strings.ReplaceAll(p.ArtistName, "\r\n", "\n") // as encoding/csv reads a quoted CRLF
		if strings.ContainsAny(wantName[:1], "=+-@\t\r") {
			wantName = "'" + wantName
		}
		if rec[2] != wantName || rec[11] != strconv.FormatFloat(p.AmountPaidUSD, 'f', -1, 64) || rec[17] != p.CountryCode {
			t.Fatalf("row %d: artist %q, usd %q, country %q; want %q, %v, %q", i, rec[2], rec[11], rec[17], wantName, p.AmountPaidUSD, p.CountryCode)
		}
	}
	for _, name := range hostile {
		if !slices.ContainsFunc(want, func(p purchases.Purchase) bool { return p.ArtistName == name }) {
			t.Errorf("the range lacks the artist %q: the test needs them all", name)
		}
	}

	out.Reset()
	if _, err := svc.Export(t.Context(), &out, analytics.ExportQuery{Range: r, Format: analytics.FormatNDJSON}); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(&out)
	i := 0
	for ; lines.Scan(); i++ {
		var got purchases.Purchase
		if err := json.Unmarshal(lines.Bytes(), &got); err != nil {
			t.Fatalf("line %d: %v", i, err)
		}
		p, _ := reader.Get(t.Context(), want[i].ID)
		if !reflect.DeepEqual(got, p) {
			t.Fatalf("line %d: %+v\nwant %+v", i, got, p)
		}
	}
	if i != len(want) {
		t.Fatalf("%d NDJSON lines, want %d", i, len(want))
	}
}

// TestExportTerm exports only the purchases matching a search term.
func TestExportTerm(t *testing.T) {
	rdb := setup(t)
	start := time.Date(2026, 3, 1, 20, 10, 0, 0, time.UTC)
	ps := synthetic(start, 5*time.Hour, 100, 10)
	store(t, rdb, ps)
	svc := analytics.New(rdb, analytics.Options{Retention: retention, Now: func() time.Time { return start.Add(6 * time.Hour) }})
	r := analytics.Range{From: start.UnixMilli(), To: start.Add(4 * time.Hour).UnixMilli()}
	country := ps[0].Country
	want := 0
	for _, p := range count(ps, r).found {
		if p.Country == country {
			want++
		}
	}
	var out bytes.Buffer
	rows, err := svc.Export(t.Context(), &out, analytics.ExportQuery{Range: r, Term: country, Format: analytics.FormatNDJSON})
	if err != nil || rows != int64(want) || want == 0 {
		t.Fatalf("export of %q: %d rows, %v; want %d", country, rows, err, want)
	}
	if _, err := svc.Export(t.Context(), &out, analytics.ExportQuery{Range: r, Term: "\x01", Format: analytics.FormatCSV}); !errors.Is(err, purchases.ErrBadQuery) {
		t.Fatalf("a term with nothing to search: %v, want ErrBadQuery", err)
	}
}

func compareTime(a, b purchases.Purchase) int {
	switch {
	case a.UTCDateRaw < b.UTCDateRaw:
		return -1
	case a.UTCDateRaw > b.UTCDateRaw:
		return 1
	}
	return strings.Compare(a.ID, b.ID)
}
