package redisstack

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// Connect opens a client for a redis:// or rediss:// URL and checks that the
// server answers and carries the JSON, search and time series modules.
func Connect(ctx context.Context, url string) (*redis.Client, error) {
	opt, err := redis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("redisstack: REDIS_URL: %w", err)
	}
	// RESP2: go-redis parses FT.SEARCH and FT.AGGREGATE replies into typed
	// results only on RESP2 (its RESP3 search replies are marked unstable).
	opt.Protocol = 2
	opt.ClientName = "beats"
	// Apply a context's deadline to the command's network I/O, so a slow
	// Redis cannot hold an HTTP request past its own timeout. (Cancellation
	// without a deadline does not interrupt a blocking read: the BLOCK time
	// of XREAD and XREADGROUP is what bounds shutdown.)
	opt.ContextTimeoutEnabled = true
	if opt.PoolSize == 0 {
		opt.PoolSize = 32
	}
	rdb := redis.NewClient(opt)
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := rdb.Ping(pingCtx).Err(); err != nil {
		rdb.Close()
		return nil, fmt.Errorf("redisstack: cannot reach Redis at %s: %w", opt.Addr, err)
	}
	if err := CheckModules(pingCtx, rdb); err != nil {
		rdb.Close()
		return nil, err
	}
	return rdb, nil
}

// required maps MODULE LIST names to what the app needs them for.
var required = map[string]string{
	"search":     "the Redis Query Engine (RediSearch)",
	"ReJSON":     "RedisJSON",
	"timeseries": "RedisTimeSeries",
}

// CheckModules fails with a clear message when a module the app needs is missing.
func CheckModules(ctx context.Context, rdb redis.UniversalClient) error {
	list, err := rdb.Do(ctx, "MODULE", "LIST").Slice()
	if err != nil {
		return fmt.Errorf("redisstack: MODULE LIST: %w", err)
	}
	have := map[string]bool{}
	for _, m := range list {
		fields, ok := m.([]any)
		if !ok {
			if mm, ok := m.(map[any]any); ok {
				if name, ok := mm["name"].(string); ok {
					have[name] = true
				}
			}
			continue
		}
		for i := 0; i+1 < len(fields); i += 2 {
			if k, _ := fields[i].(string); k == "name" {
				name, _ := fields[i+1].(string)
				have[name] = true
			}
		}
	}
	var missing []string
	for name, what := range required {
		if !have[name] {
			missing = append(missing, fmt.Sprintf("%s (%s)", name, what))
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("redisstack: the Redis server lacks modules: %s; use Redis Stack 7.4+, Redis Cloud or Redis Enterprise with them enabled", strings.Join(missing, ", "))
	}
	return nil
}
