package feed

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"time"
)

// maxLine bounds one recorded answer; real ones are tens of kilobytes.
const maxLine = 64 << 20

// readSales decodes every line of a recording into sales in time order,
// dropping purchases seen on an earlier line (overlapping windows). Items
// are checked against the clock when now is set (recorded times kept),
// not when the replay moves them. It detects gzip by its magic bytes,
// since recordings get renamed.
//
// Lines are decoded on every core, which is most of the time of opening a
// replay (a restarted instance resumes the feed only once it has read the
// file); the purchases of each line are then taken in file order.
func readSales(r io.Reader, name string, log *slog.Logger, now time.Time) (sales []Sale, bad int, err error) {
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
	lines, scanned := decodeLines(in)
	for l := range lines {
		d := <-l.done
		if d.err != nil {
			bad++
			log.Warn("feed: replay: skipping a bad line", "file", name, "line", l.n, "err", d.err)
			continue
		}
		sales = append(sales, salesOf(d.ans, keep, now)...)
	}
	if n, err := scanned(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, bad, fmt.Errorf("line %d: longer than %d bytes", n+1, maxLine)
		}
		// A cut-off file (an interrupted recording, a truncated gzip) still
		// replays what came before the cut.
		log.Warn("feed: replay: file ends early; replaying what was read", "file", name,
			"lines", n, "err", err)
	}
	sortSales(sales)
	return sales, bad, nil
}

// line is one non-empty line of a recording, decoded by a worker.
type line struct {
	n    int // from 1
	text []byte
	done chan decoded
}

type decoded struct {
	ans Answer
	err error
}

// decodeLines scans in and decodes its lines on GOMAXPROCS workers. It
// yields them in file order, each with a channel that gets its answer; once
// the channel is drained, the returned function gives how many lines were
// scanned and the scanner's error.
func decodeLines(in io.Reader) (<-chan line, func() (int, error)) {
	workers := runtime.GOMAXPROCS(0)
	ordered := make(chan line, 4*workers) // bounds the lines held at once
	jobs := make(chan line)
	var (
		scanErr error
		n       int
	)
	go func() {
		defer close(ordered)
		defer close(jobs)
		sc := bufio.NewScanner(in)
		sc.Buffer(make([]byte, 0, 64<<10), maxLine)
		for sc.Scan() {
			n++
			text := bytes.TrimSpace(sc.Bytes())
			if len(text) == 0 {
				continue
			}
			l := line{n: n, text: bytes.Clone(text), done: make(chan decoded, 1)}
			// In order first: the reader waits on the oldest line, which a
			// worker then always has or gets.
			ordered <- l
			jobs <- l
		}
		scanErr = sc.Err()
	}()
	for range workers {
		go func() {
			for l := range jobs {
				ans, err := DecodeAnswer(l.text)
				l.done <- decoded{ans, err}
			}
		}()
	}
	return ordered, func() (int, error) { return n, scanErr }
}
