package main

import (
	"context"
	"os"
	"path/filepath"
	"time"
)

type startupRun struct {
	Runs    []time.Duration `json:"runs_ns"`
	Median  time.Duration   `json:"median_ns"`
	Slowest time.Duration   `json:"slowest_ns"`
}

// runStartup times `bin/beats serve` with its embedded Redis Stack, from
// the exec to /readyz answering 200, on a fresh data folder each time.
func runStartup(ctx context.Context, bin string, runs int) (startupRun, error) {
	var r startupRun
	for i := range runs {
		dir, err := os.MkdirTemp("", "beatsbench-startup-")
		if err != nil {
			return r, err
		}
		srv, took, err := startBeats(ctx, bin, filepath.Join(dir, "serve.log"),
			"--data-dir", filepath.Join(dir, "data"), "--feed", "synthetic:1", "--log-level", "warn")
		if err != nil {
			os.RemoveAll(dir)
			return r, err
		}
		srv.stop()
		os.RemoveAll(dir)
		r.Runs = append(r.Runs, took)
		logf("start-up %d/%d: %s to /readyz 200", i+1, runs, took.Round(time.Millisecond))
	}
	r.Median = percentile(r.Runs, 0.5)
	r.Slowest = percentile(r.Runs, 1)
	return r, nil
}
