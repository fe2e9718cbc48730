package accounts

import (
	"context"
	_ "embed"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// Limit allows Max attempts per Window (a fixed window that starts with the
// first attempt).
type Limit struct {
	Max    int
	Window time.Duration
}

var (
	//go:embed ratelimit_take.lua
	takeLua string
	//go:embed ratelimit_refund.lua
	refundLua string

	takeScript   = redis.NewScript(takeLua)
	refundScript = redis.NewScript(refundLua)
)

// limiter counts attempts in Redis, so every instance shares the counts.
type limiter struct{ rdb redis.UniversalClient }

// take counts an attempt against every key, or refuses it with a
// *RateLimitError when any key is at lim.Max. Counting before the work (not
// after a failure) keeps a burst of parallel attempts within the limit.
func (l limiter) take(ctx context.Context, lim Limit, keys ...string) error {
	wait, err := takeScript.Run(ctx, l.rdb, keys, lim.Max, lim.Window.Milliseconds()).Int64()
	if err != nil {
		return fmt.Errorf("accounts: rate limit %v: %w", keys, err)
	}
	if wait > 0 {
		return &RateLimitError{RetryAfter: time.Duration(wait) * time.Millisecond}
	}
	return nil
}

// refund takes back an attempt that turned out not to count.
func (l limiter) refund(ctx context.Context, keys ...string) error {
	if err := refundScript.Run(ctx, l.rdb, keys).Err(); err != nil {
		return fmt.Errorf("accounts: rate limit refund %v: %w", keys, err)
	}
	return nil
}
