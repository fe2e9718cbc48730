package feed

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"log/slog"
)

// maxLine bounds one recorded answer; real ones are tens of kilobytes.
const maxLine = 64 << 20

// readSales decodes every line of a recording into sales in time order,
// dropping purchases seen on an earlier line (overlapping windows). It
// detects gzip by its magic bytes, since recordings get renamed.
func readSales(r io.Reader, name string, log *slog.Logger) (sales []Sale, bad int, err error) {
	br := bufio.NewReader(r)
	in := io.Reader(br)
	if magic, _ := br.Peek(2); bytes.Equal(magic, []byte{0x1f, 0x8b}) {
		gz, err := gzip.NewReader(br)
		if err != nil {
			return nil, 0, fmt.Errorf("gzip: %w", err)
		}
		defer gz.Close()
		in = gz
	}
	seen := make(map[string]bool)
	keep := func(it Item) bool {
		if seen[it.ID] {
			return false
		}
		seen[it.ID] = true
		return true
	}
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 0, 64<<10), maxLine)
	line := 0
	for sc.Scan() {
		line++
		text := bytes.TrimSpace(sc.Bytes())
		if len(text) == 0 {
			continue
		}
		ans, err := DecodeAnswer(text)
		if err != nil {
			bad++
			log.Warn("feed: replay: skipping a bad line", "file", name, "line", line, "err", err)
			continue
		}
		sales = append(sales, salesOf(ans, keep)...)
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, bad, fmt.Errorf("line %d: longer than %d bytes", line+1, maxLine)
		}
		// A cut-off file (an interrupted recording, a truncated gzip) still
		// replays what came before the cut.
		log.Warn("feed: replay: file ends early; replaying what was read", "file", name,
			"lines", line, "err", err)
	}
	sortSales(sales)
	return sales, bad, nil
}
