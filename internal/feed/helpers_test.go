package feed

import (
	"bufio"
	"bytes"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// dataDir holds the real recorded feed data the tests read (copied into the repository, see testdata/README.md).
const dataDir = "../../testdata"

// recordedFile is 8 real answers of 60 s windows: 230 checkouts, 264 items.
const recordedFile = "feed-2020-09-09.jsonl"

const (
	recordedItems = 264
	recordedSales = 230
)

func dataPath(t testing.TB, name string) string {
	t.Helper()
	p := filepath.Join(dataDir, name)
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("real feed data missing (expected at %s): %v", p, err)
	}
	return p
}

// recordedLines returns the answers of the recorded file, one per line.
func recordedLines(t testing.TB) [][]byte {
	t.Helper()
	b, err := os.ReadFile(dataPath(t, recordedFile))
	if err != nil {
		t.Fatal(err)
	}
	var lines [][]byte
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if l := bytes.TrimSpace(sc.Bytes()); len(l) > 0 {
			lines = append(lines, bytes.Clone(l))
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return lines
}

// logBuffer collects log output safely from several goroutines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// count counts log lines containing every one of subs.
func (b *logBuffer) count(subs ...string) int {
	n := 0
	for _, l := range strings.Split(b.String(), "\n") {
		all := l != ""
		for _, s := range subs {
			all = all && strings.Contains(l, s)
		}
		if all {
			n++
		}
	}
	return n
}

func testLogger() (*slog.Logger, *logBuffer) {
	b := &logBuffer{}
	return slog.New(slog.NewTextHandler(b, &slog.HandlerOptions{Level: slog.LevelDebug})), b
}

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }
