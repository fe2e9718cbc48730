package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/beatsbyredis/beats/internal/purchases"
)

// attribution says where used_memory goes, measured by taking the parts
// away one at a time (destructive: it runs last) and reading used_memory.
type attribution struct {
	Purchases int                `json:"purchases"`
	Steps     []attributionStep  `json:"steps"`
	PerItem   map[string]float64 `json:"per_purchase"`
}

type attributionStep struct {
	What  string  `json:"what"`
	Freed float64 `json:"freed_bytes"`
}

func attributeMemory(ctx context.Context, st *stack, n int) (attribution, error) {
	a := attribution{Purchases: n, PerItem: map[string]float64{}}
	before, err := usedMemory(ctx, st.rdb)
	if err != nil {
		return a, err
	}
	step := func(what string, fn func() error) error {
		logf("4. memory: removing the %s", what)
		if err := fn(); err != nil {
			return fmt.Errorf("memory attribution, %s: %w", what, err)
		}
		time.Sleep(time.Second) // let background frees finish
		after, err := usedMemory(ctx, st.rdb)
		if err != nil {
			return err
		}
		a.Steps = append(a.Steps, attributionStep{What: what, Freed: before - after})
		a.PerItem[what] = (before - after) / float64(n)
		before = after
		return nil
	}
	steps := []struct {
		what string
		fn   func() error
	}{
		{"search index (FT.DROPINDEX, documents kept)", func() error {
			return st.rdb.Do(ctx, "FT.DROPINDEX", purchases.IndexName).Err()
		}},
		{"live stream purchases:live", func() error { return st.rdb.Del(ctx, purchases.LiveStream).Err() }},
		{"top-sellers and the two series", func() error {
			return st.rdb.Del(ctx, purchases.TopSellers, purchases.SalesSeries, purchases.RevenueSeries).Err()
		}},
		{"range counters stats:*", func() error { return forKeys(ctx, st, "DEL", "stats:*", 0) }},
		{"expiry entries (PERSIST)", func() error { return forKeys(ctx, st, "PERSIST", purchases.KeyPrefix+"*", n) }},
		{"documents with their keys (DEL)", func() error { return forKeys(ctx, st, "DEL", purchases.KeyPrefix+"*", n) }},
	}
	for _, s := range steps {
		if err := step(s.what, s.fn); err != nil {
			return a, err
		}
	}
	return a, nil
}

// forKeys runs cmd on every key matching pattern (about n of them), pipelined.
func forKeys(ctx context.Context, st *stack, cmd, pattern string, n int) error {
	prog := startProgress(cmd+" "+pattern, int64(n))
	defer prog.end()
	var cursor uint64
	for {
		keys, next, err := st.rdb.Scan(ctx, cursor, pattern, 5000).Result()
		if err != nil {
			return err
		}
		pipe := st.rdb.Pipeline()
		for _, k := range keys {
			pipe.Do(ctx, strings.ToLower(cmd), k)
		}
		if len(keys) > 0 {
			if _, err := pipe.Exec(ctx); err != nil {
				return err
			}
		}
		prog.add(int64(len(keys)))
		if next == 0 {
			return nil
		}
		cursor = next
	}
}
