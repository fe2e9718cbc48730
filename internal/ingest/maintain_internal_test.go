package ingest

import (
	"testing"

	"github.com/redis/go-redis/v9"
)

// TestOldestNeeded: XPENDING may answer after the entries XINFO GROUPS saw
// pending were all acknowledged; its empty lowest id must not reach XTRIM
// MINID (it failed with "ERR Invalid stream ID").
func TestOldestNeeded(t *testing.T) {
	for _, c := range []struct {
		name    string
		pending *redis.XPending
		want    string
	}{
		{"nothing pending when asked", nil, "170-3"},
		{"acknowledged in between", &redis.XPending{Count: 0, Lower: "", Higher: ""}, "170-3"},
		{"still pending", &redis.XPending{Count: 2, Lower: "150-0", Higher: "160-1"}, "150-0"},
	} {
		if got := oldestNeeded("170-3", c.pending); got != c.want {
			t.Errorf("%s: oldestNeeded = %q, want %q", c.name, got, c.want)
		}
	}
}
