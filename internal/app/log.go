package app

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/beatsbyredis/beats/internal/config"
)

// NewLogger is the process's logger, as configured.
func NewLogger(cfg config.Serve, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogJSON {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// RouteRedisLogs sends go-redis's own log lines ("connection pool: failed
// to dial", ...) through log, at warn, instead of the plain-text lines it
// writes to stderr, which broke a --log-json log. go-redis has one logger
// for the whole process, so the last call wins.
func RouteRedisLogs(log *slog.Logger) {
	redis.SetLogger(redisLogger{log})
}

type redisLogger struct{ log *slog.Logger }

func (l redisLogger) Printf(ctx context.Context, format string, v ...any) {
	msg := strings.TrimSpace(strings.TrimPrefix(fmt.Sprintf(format, v...), "redis: "))
	l.log.WarnContext(ctx, "redis: "+msg)
}
