package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/beatsbyredis/beats/internal/ingest"
	"github.com/beatsbyredis/beats/internal/purchases"
	"github.com/beatsbyredis/beats/internal/redisstack"
	"github.com/beatsbyredis/beats/internal/watchlist"
)

// retention is the app's default (--retention 720h).
const retention = 720 * time.Hour

// newSaver is the saver as the app makes it: it also matches each new
// purchase against the watched terms (internal/watchlist), read from rdb.
func newSaver(rdb redis.UniversalClient) *purchases.Saver {
	return purchases.NewSaver(rdb, retention).WithMatcher(watchlist.NewMatcher(rdb, retention))
}

// stack is an embedded, non-persistent Redis Stack of the bench's own,
// prepared as `beats serve` prepares one (index, series, script, group).
type stack struct {
	srv *redisstack.Server
	rdb *redis.Client
	dir string
}

func startStack(ctx context.Context) (*stack, error) {
	dir, err := os.MkdirTemp("", "beatsbench-redis-")
	if err != nil {
		return nil, err
	}
	log, _ := os.Create(dir + "/redis.log")
	srv, err := redisstack.Start(ctx, redisstack.Options{DataDir: dir, Persistent: false, Log: log})
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	rdb, err := redisstack.Connect(ctx, srv.URL())
	if err != nil {
		srv.Stop()
		os.RemoveAll(dir)
		return nil, err
	}
	s := &stack{srv: srv, rdb: rdb, dir: dir}
	if err := s.prepare(ctx); err != nil {
		s.close()
		return nil, err
	}
	return s, nil
}

func (s *stack) prepare(ctx context.Context) error {
	if err := purchases.EnsureIndex(ctx, s.rdb); err != nil {
		return err
	}
	if err := purchases.EnsureSeries(ctx, s.rdb, retention.Milliseconds()); err != nil {
		return err
	}
	if err := purchases.LoadScript(ctx, s.rdb); err != nil {
		return err
	}
	return ingest.EnsureGroup(ctx, s.rdb)
}

func (s *stack) close() {
	s.rdb.Close()
	s.srv.Stop()
	os.RemoveAll(s.dir)
}

// info reads one numeric field of INFO section.
func info(ctx context.Context, rdb redis.UniversalClient, section, field string) (float64, error) {
	text, err := rdb.Info(ctx, section).Result()
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(text, "\r\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && k == field {
			return strconv.ParseFloat(v, 64)
		}
	}
	return 0, fmt.Errorf("INFO %s has no %s", section, field)
}

// usedMemory is INFO memory used_memory, after letting lazy frees finish.
func usedMemory(ctx context.Context, rdb redis.UniversalClient) (float64, error) {
	time.Sleep(200 * time.Millisecond)
	return info(ctx, rdb, "memory", "used_memory")
}

// ftInfo returns FT.INFO of the index as a flat map of its scalar fields.
func ftInfo(ctx context.Context, rdb redis.UniversalClient) (map[string]any, error) {
	raw, err := rdb.Do(ctx, "FT.INFO", purchases.IndexAlias).Slice()
	if err != nil {
		return nil, err
	}
	out := map[string]any{}
	for i := 0; i+1 < len(raw); i += 2 {
		k, _ := raw[i].(string)
		switch v := raw[i+1].(type) {
		case string, int64, float64:
			out[k] = v
		}
	}
	return out, nil
}

func num(v any) float64 {
	switch x := v.(type) {
	case int64:
		return float64(x)
	case float64:
		return x
	case string:
		f, _ := strconv.ParseFloat(x, 64)
		return f
	}
	return 0
}

type (
	redisStringCmd = redis.StringCmd
	redisIntCmd    = redis.IntCmd
)

// cpuWatch measures CPU use of Redis and of this process over a span.
type cpuWatch struct {
	st         *stack
	ctx        context.Context
	pid        int
	start      time.Time
	redis, own time.Duration
}

func startCPU(ctx context.Context, st *stack) *cpuWatch {
	pid, _ := info(ctx, st.rdb, "server", "process_id")
	w := &cpuWatch{st: st, ctx: ctx, pid: int(pid), start: time.Now()}
	w.redis, w.own = cpuTime(w.pid), cpuTime(os.Getpid())
	return w
}

// stop returns the cores each used on average: CPU seconds per second.
func (w *cpuWatch) stop() (redisCores, ownCores float64) {
	el := time.Since(w.start).Seconds()
	return (cpuTime(w.pid) - w.redis).Seconds() / el, (cpuTime(os.Getpid()) - w.own).Seconds() / el
}

// cmdStat is one line of INFO commandstats.
type cmdStat struct {
	Calls int64   `json:"calls"`
	Usec  float64 `json:"usec"`
}

// commandStats reads INFO commandstats (reset with CONFIG RESETSTAT): how
// much of Redis's time each command took.
func commandStats(ctx context.Context, rdb redis.UniversalClient) map[string]cmdStat {
	text, err := rdb.Info(ctx, "commandstats").Result()
	out := map[string]cmdStat{}
	if err != nil {
		return out
	}
	for _, line := range strings.Split(text, "\r\n") {
		name, rest, ok := strings.Cut(strings.TrimPrefix(line, "cmdstat_"), ":")
		if !ok || !strings.HasPrefix(line, "cmdstat_") {
			continue
		}
		var s cmdStat
		for _, kv := range strings.Split(rest, ",") {
			k, v, _ := strings.Cut(kv, "=")
			switch k {
			case "calls":
				s.Calls, _ = strconv.ParseInt(v, 10, 64)
			case "usec":
				s.Usec, _ = strconv.ParseFloat(v, 64)
			}
		}
		out[name] = s
	}
	return out
}
