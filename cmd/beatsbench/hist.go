package main

import (
	"math"
	"math/bits"
	"slices"
	"time"
)

// hist is a log-linear latency histogram in microseconds: exact below 64 µs,
// then 32 buckets per power of two (under 3 % error), up to about 2^40 µs.
// Clients of the fan-out keep one each and merge them, since 60 million
// samples are too many to keep one by one.
type hist struct {
	Counts []uint64 `json:"counts"`
	Max    int64    `json:"max_us"`
	N      uint64   `json:"n"`
}

const (
	histSub     = 32
	histLinear  = 64
	histBuckets = histLinear + 35*histSub
)

func newHist() *hist { return &hist{Counts: make([]uint64, histBuckets)} }

func histIndex(us int64) int {
	if us < 0 {
		us = 0
	}
	if us < histLinear {
		return int(us)
	}
	exp := bits.Len64(uint64(us)) - 1 // us in [2^exp, 2^(exp+1))
	sub := int((uint64(us) >> (exp - 5)) & (histSub - 1))
	i := histLinear + (exp-6)*histSub + sub
	return min(i, histBuckets-1)
}

// histValue is the upper bound of bucket i in microseconds.
func histValue(i int) int64 {
	if i < histLinear {
		return int64(i)
	}
	i -= histLinear
	exp := i/histSub + 6
	sub := int64(i % histSub)
	return (int64(histSub)+sub+1)<<(exp-5) - 1
}

func (h *hist) add(d time.Duration) {
	us := d.Microseconds()
	h.Counts[histIndex(us)]++
	h.N++
	h.Max = max(h.Max, us)
}

func (h *hist) merge(o *hist) {
	for i, c := range o.Counts {
		h.Counts[i] += c
	}
	h.N += o.N
	h.Max = max(h.Max, o.Max)
}

// quantile is the q-th quantile (0..1), never above the exact maximum.
func (h *hist) quantile(q float64) time.Duration {
	if h.N == 0 {
		return 0
	}
	rank := uint64(math.Ceil(q * float64(h.N)))
	rank = max(rank, 1)
	var seen uint64
	for i, c := range h.Counts {
		seen += c
		if seen >= rank {
			return time.Duration(min(histValue(i), h.Max)) * time.Microsecond
		}
	}
	return time.Duration(h.Max) * time.Microsecond
}

// percentile of exact samples (nearest rank).
func percentile(samples []time.Duration, q float64) time.Duration {
	if len(samples) == 0 {
		return 0
	}
	s := slices.Clone(samples)
	slices.Sort(s)
	rank := int(math.Ceil(q*float64(len(s)))) - 1
	return s[min(max(rank, 0), len(s)-1)]
}

// summary is the p50, p99 and max.
func (h *hist) summary() (p50, p99, highest time.Duration) {
	return h.quantile(0.5), h.quantile(0.99), time.Duration(h.Max) * time.Microsecond
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
