package ingest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

// LeaseKey holds "<owner> <mode>" while an instance runs the feed: only one
// instance polls Bandcamp (or generates sales) at a time, whatever the number
// of app instances on one Redis.
const LeaseKey = "feed:lease"

// Lease is a lock with a time to live that its holder keeps renewing; when
// the holder dies the key expires and another instance takes over.
type Lease struct {
	rdb   redis.UniversalClient
	owner string
	ttl   time.Duration
	value atomic.Value // "<owner> <mode>", read by the renewing goroutine
}

// NewLease returns a lease for owner; the mode is advertised by SetMode once known.
func NewLease(rdb redis.UniversalClient, owner string, ttl time.Duration) *Lease {
	l := &Lease{rdb: rdb, owner: owner, ttl: ttl}
	l.value.Store(owner + " starting")
	return l
}

func (l *Lease) current() string { return l.value.Load().(string) }

// SetMode advertises the mode of the feed this holder runs.
func (l *Lease) SetMode(ctx context.Context, mode string) error {
	next := l.owner + " " + mode
	n, err := swapScript.Run(ctx, l.rdb, []string{LeaseKey}, l.current(), next).Int()
	if err != nil {
		return fmt.Errorf("ingest: advertise feed mode: %w", err)
	}
	if n == 1 {
		l.value.Store(next)
	}
	return nil
}

// Compare-and-set scripts: only the holder may renew or release.
var (
	renewScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0`)
	swapScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'KEEPTTL')
  return 1
end
return 0`)
	releaseScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`)
)

// TryAcquire takes the lease if it is free.
func (l *Lease) TryAcquire(ctx context.Context) (bool, error) {
	ok, err := l.rdb.SetNX(ctx, LeaseKey, l.current(), l.ttl).Result()
	if err != nil {
		return false, fmt.Errorf("ingest: acquire lease: %w", err)
	}
	return ok, nil
}

// Renew extends the lease; false means it was lost (expired and taken).
func (l *Lease) Renew(ctx context.Context) (bool, error) {
	n, err := renewScript.Run(ctx, l.rdb, []string{LeaseKey}, l.current(), l.ttl.Milliseconds()).Int()
	if err != nil {
		return false, fmt.Errorf("ingest: renew lease: %w", err)
	}
	return n == 1, nil
}

// Release gives the lease up at once, so another instance need not wait.
func (l *Lease) Release(ctx context.Context) error {
	if err := releaseScript.Run(ctx, l.rdb, []string{LeaseKey}, l.current()).Err(); err != nil {
		return fmt.Errorf("ingest: release lease: %w", err)
	}
	return nil
}

// Hold runs fn while holding the lease: it waits until the lease is free,
// runs fn with a context that is cancelled if the lease is lost, and gives
// the lease up when fn returns. It returns when ctx ends or fn returns.
// A renewal that fails for a network blip is retried while the lease's TTL
// still runs; only a lease taken by another instance, or one that may have
// expired, stops fn.
func (l *Lease) Hold(ctx context.Context, log *slog.Logger, fn func(context.Context) error) error {
	// Waiting instances poll often, so a released or expired lease is taken
	// over fast.
	poll := time.NewTicker(min(l.ttl/8, time.Second))
	defer poll.Stop()
	for {
		ok, err := l.TryAcquire(ctx)
		if err == nil && ok {
			break
		}
		if err != nil && ctx.Err() == nil {
			log.Warn("feed lease: cannot ask Redis, retrying", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-poll.C:
		}
	}
	tick := time.NewTicker(l.ttl / 4)
	defer tick.Stop()
	held, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	go func() {
		renewed := time.Now()
		for {
			select {
			case <-held.Done():
				return
			case <-tick.C:
				ok, err := l.Renew(held)
				switch {
				case err == nil && ok:
					renewed = time.Now()
				case err == nil && !ok:
					cancel(errors.New("feed lease taken by another instance"))
					return
				case time.Since(renewed) > l.ttl*2/3:
					cancel(fmt.Errorf("feed lease may have expired: %w", err))
					return
				default:
					log.Warn("feed lease: renewal failed, retrying", "err", err)
				}
			}
		}
	}()
	err := fn(held)
	cancel(nil)
	releaseCtx, done := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
	defer done()
	_ = l.Release(releaseCtx)
	return err
}

// ErrNoHolder means no instance holds the feed lease: the feed is not running.
var ErrNoHolder = errors.New("ingest: no instance runs the feed")

// Holder reads who holds the feed lease and the mode it runs.
func Holder(ctx context.Context, rdb redis.UniversalClient) (owner, mode string, err error) {
	v, err := rdb.Get(ctx, LeaseKey).Result()
	if errors.Is(err, redis.Nil) {
		return "", "", ErrNoHolder
	}
	if err != nil {
		return "", "", fmt.Errorf("ingest: read lease: %w", err)
	}
	owner, mode, _ = strings.Cut(v, " ")
	return owner, mode, nil
}
