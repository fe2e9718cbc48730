package testwait

import (
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// recorder is a testing.TB that records a failure instead of ending the test.
type recorder struct {
	testing.TB
	failed string
}

func (r *recorder) Helper()                           {}
func (r *recorder) Fatalf(format string, args ...any) { r.failed = fmt.Sprintf(format, args...) }

func TestUntil(t *testing.T) {
	var n atomic.Int32
	tests := []struct {
		name     string
		cond     func() (bool, string)
		wantFail string
	}{
		{"holds at once", func() (bool, string) { return true, "" }, ""},
		{"holds on the third look", func() (bool, string) { return n.Add(1) >= 3, "" }, ""},
		{"never holds", func() (bool, string) { return false, "" }, "waiting for"},
		{"never holds, says what it saw", func() (bool, string) { return false, "7 rows" }, "7 rows"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &recorder{TB: t}
			UntilSeen(r, 30*time.Millisecond, "the thing", tt.cond)
			if tt.wantFail == "" && r.failed != "" {
				t.Fatalf("failed: %s", r.failed)
			}
			if tt.wantFail != "" && !strings.Contains(r.failed, tt.wantFail) {
				t.Fatalf("failure %q, want it to mention %q", r.failed, tt.wantFail)
			}
		})
	}
}
