package app

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/redis/go-redis/v9"

	"github.com/beatsbyredis/beats/internal/config"
	"github.com/beatsbyredis/beats/internal/redisstack"
)

// openRedis connects to REDIS_URL, or starts the embedded Redis Stack when
// none is given. The returned stop closes the client and the child process.
func openRedis(ctx context.Context, cfg config.Serve, log *slog.Logger) (*redis.Client, func(), error) {
	url := cfg.RedisURL
	stopServer := func() {}
	if url == "" {
		// Owner only: the data holds password hashes and sessions.
		if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
			return nil, nil, fmt.Errorf("app: data dir: %w", err)
		}
		logFile, err := os.OpenFile(filepath.Join(cfg.DataDir, "redis.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
		if err != nil {
			return nil, nil, fmt.Errorf("app: redis log: %w", err)
		}
		srv, err := redisstack.Start(ctx, redisstack.Options{
			Home: cfg.RedisStackDir, DataDir: cfg.DataDir, Persistent: true, Log: logFile,
		})
		if err != nil {
			logFile.Close()
			return nil, nil, err
		}
		log.Info("started embedded Redis Stack", "addr", srv.Addr(), "data_dir", cfg.DataDir)
		url = srv.URL()
		stopServer = func() {
			if err := srv.Stop(); err != nil {
				log.Warn("stopping embedded Redis Stack", "err", err)
			}
			logFile.Close()
		}
	}
	rdb, err := redisstack.Connect(ctx, url)
	if err != nil {
		stopServer()
		return nil, nil, err
	}
	return rdb, func() { rdb.Close(); stopServer() }, nil
}
