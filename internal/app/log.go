package app

import (
	"io"
	"log/slog"

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
