package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/beatsbyredis/beats/internal/purchases"
)

// memPoint is Redis memory per stored purchase at one size.
type memPoint struct {
	Purchases   int                `json:"purchases"`
	UsedMemory  float64            `json:"used_memory"`
	Baseline    float64            `json:"baseline"`     // used_memory of the prepared, empty database
	PerPurchase float64            `json:"per_purchase"` // (used − baseline) / purchases
	RawJSON     float64            `json:"raw_json"`     // mean feed item JSON, as published to the stream
	DocJSON     float64            `json:"doc_json"`     // mean stored document JSON (with search_text)
	Ratio       float64            `json:"ratio"`        // per purchase / raw JSON
	Breakdown   map[string]float64 `json:"breakdown"`    // bytes per purchase
	FTInfo      map[string]any     `json:"ft_info"`
}

var indexParts = []string{
	"inverted_sz_mb", "offset_vectors_sz_mb", "doc_table_size_mb", "sortable_values_size_mb",
	"key_table_size_mb", "tag_overhead_sz_mb", "text_overhead_sz_mb", "geoshapes_sz_mb", "vector_index_sz_mb",
}

// measureMemory splits used_memory per purchase into the document (MEMORY
// USAGE of a sample of keys), the index (FT.INFO), the shared keys and the
// rest (keyspace and expiry tables, allocator overhead).
func measureMemory(ctx context.Context, st *stack, l *loader, baseline float64) (memPoint, error) {
	n := float64(l.loaded)
	used, err := usedMemory(ctx, st.rdb)
	if err != nil {
		return memPoint{}, err
	}
	m := memPoint{Purchases: l.loaded, UsedMemory: used, Baseline: baseline, PerPurchase: (used - baseline) / n,
		RawJSON: float64(l.rawBytes) / n, DocJSON: float64(l.docBytes) / n, Breakdown: map[string]float64{}}
	m.Ratio = m.PerPurchase / m.RawJSON

	doc, err := sampleDocMemory(ctx, st, 2000)
	if err != nil {
		return m, err
	}
	m.Breakdown["document (MEMORY USAGE purchase:<id>, RedisJSON's own estimate)"] = doc
	accounted := doc
	fi, err := ftInfo(ctx, st.rdb)
	if err != nil {
		return m, err
	}
	m.FTInfo = fi
	for _, k := range indexParts {
		if v, ok := fi[k]; ok && num(v) > 0 {
			b := num(v) * (1 << 20) / n
			m.Breakdown["index "+strings.TrimSuffix(k, "_mb")] = b
			accounted += b
		}
	}
	for _, key := range []string{purchases.TopSellers, purchases.SalesSeries, purchases.RevenueSeries, purchases.LiveStream} {
		u, err := st.rdb.MemoryUsage(ctx, key, 0).Result()
		if err != nil {
			continue
		}
		m.Breakdown["key "+key] = float64(u) / n
		accounted += float64(u) / n
	}
	counters, keys, err := counterMemory(ctx, st.rdb)
	if err != nil {
		return m, err
	}
	m.Breakdown[fmt.Sprintf("keys stats:* (range counters, %d keys)", keys)] = counters / n
	accounted += counters / n
	m.Breakdown["rest (keyspace, expires, allocator)"] = m.PerPurchase - accounted
	return m, nil
}

// sampleDocMemory is the mean MEMORY USAGE (all of the value) of random
// purchase documents.
func sampleDocMemory(ctx context.Context, st *stack, samples int) (float64, error) {
	pipe := st.rdb.Pipeline()
	keys := make([]*redisStringCmd, samples)
	for i := range keys {
		keys[i] = pipe.RandomKey(ctx)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return 0, err
	}
	pipe = st.rdb.Pipeline()
	var usage []*redisIntCmd
	for _, k := range keys {
		if strings.HasPrefix(k.Val(), purchases.KeyPrefix) {
			usage = append(usage, pipe.MemoryUsage(ctx, k.Val(), 0))
		}
	}
	if len(usage) == 0 {
		return 0, nil
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return 0, err
	}
	var sum float64
	for _, u := range usage {
		sum += float64(u.Val())
	}
	return sum / float64(len(usage)), nil
}
