package feed

import "slices"

// seenSet remembers purchase ids with their times so that overlapping feed
// windows yield each purchase once. Memory stays bounded: callers forget ids
// older than a horizon, and a hard cap drops the oldest half if the feed ever
// sends times that never fall behind the horizon.
type seenSet struct {
	at  map[string]float64
	max int
}

func newSeenSet(max int) *seenSet {
	return &seenSet{at: make(map[string]float64), max: max}
}

// add records id and reports whether it was new.
func (s *seenSet) add(id string, t float64) bool {
	if _, ok := s.at[id]; ok {
		return false
	}
	s.at[id] = t
	if s.max > 0 && len(s.at) > s.max {
		times := make([]float64, 0, len(s.at))
		for _, v := range s.at {
			times = append(times, v)
		}
		slices.Sort(times)
		// "At or before" so that equal times cannot keep the set full.
		median := times[len(times)/2]
		for k, v := range s.at {
			if v <= median {
				delete(s.at, k)
			}
		}
	}
	return true
}

// forgetBefore drops ids whose purchase time is before t.
func (s *seenSet) forgetBefore(t float64) {
	for id, v := range s.at {
		if v < t {
			delete(s.at, id)
		}
	}
}

func (s *seenSet) len() int { return len(s.at) }
