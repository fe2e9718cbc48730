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

// LoginLimits slow password guessing without letting anyone lock a user
// out. Attempts count before the password is checked (so a burst of
// parallel ones stays within the limits) and a successful one is taken back.
type LoginLimits struct {
	// PerAddress: failed logins from one address, whatever the names
	// (default 30 in 15 minutes). Past it the address waits.
	PerAddress Limit
	// PerPair: failed logins of one name from one address (default 10 in
	// PerAddress's window).
	PerPair int
	// SlowAfter: failed logins of one name from all addresses in the window
	// (default 10) after which the addresses that have failed on that name
	// share one attempt per SlowGap (default 30 s) between them. An address
	// that has not failed on the name is never slowed, so the right password
	// from the owner's own address logs in however many others guess.
	SlowAfter int
	SlowGap   time.Duration
}

// DefaultLoginLimits are production's.
func DefaultLoginLimits() LoginLimits {
	return LoginLimits{PerAddress: Limit{Max: 30, Window: 15 * time.Minute}, PerPair: 10, SlowAfter: 10, SlowGap: 30 * time.Second}
}

var (
	//go:embed ratelimit_take.lua
	takeLua string
	//go:embed ratelimit_refund.lua
	refundLua string
	//go:embed login_take.lua
	loginTakeLua string

	takeScript      = redis.NewScript(takeLua)
	refundScript    = redis.NewScript(refundLua)
	loginTakeScript = redis.NewScript(loginTakeLua)
)

// limiter counts attempts in Redis, so every instance shares the counts.
type limiter struct{ rdb redis.UniversalClient }

// take counts an attempt against every key, or refuses it with a
// *RateLimitError when any key is at lim.Max. Counting before the work (not
// after a failure) keeps a burst of parallel attempts within the limit.
func (l limiter) take(ctx context.Context, lim Limit, keys ...string) error {
	wait, err := takeScript.Run(ctx, l.rdb, keys, lim.Max, lim.Window.Milliseconds()).Int64()
	return waitError(keys, wait, err)
}

// loginKeys are the counters of one login attempt of the folded name from ip.
func loginKeys(ip, folded string) []string {
	return []string{loginIPPrefix + ip, loginPairPrefix + ip + ":" + folded, loginUserPrefix + folded, loginSlowPrefix + folded}
}

// takeLogin counts a login attempt of the folded name from ip (see
// LoginLimits); the keys it returns are the ones to refund on success.
func (l limiter) takeLogin(ctx context.Context, lim LoginLimits, ip, folded string) ([]string, error) {
	keys := loginKeys(ip, folded)
	wait, err := loginTakeScript.Run(ctx, l.rdb, keys, lim.PerAddress.Max, lim.PerPair,
		lim.PerAddress.Window.Milliseconds(), lim.SlowAfter, lim.SlowGap.Milliseconds()).Int64()
	return keys[:3], waitError(keys, wait, err)
}

func waitError(keys []string, wait int64, err error) error {
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
