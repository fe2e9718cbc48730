package feed

import (
	"cmp"
	"math"
	"slices"
	"time"
)

// salesOf turns an answer's sale events into Sales in time order, each item
// stamped with its PurchaseID and checked (validate.go) against the answer's
// time and, when now is set, the clock. keep, when set, decides per item
// whether it is new. Items that break a rule ride along in Rejected, so the
// publisher dead-letters them: those of a checkout left with no valid item
// go with the answer's first sale, or with a sale of their own (no items,
// at the answer's time, 0 when it has none) when no item of the answer is
// valid.
func salesOf(ans Answer, keep func(Item) bool, now time.Time) []Sale {
	ref := answerTime(ans)
	sales := make([]Sale, 0, len(ans.Events))
	var orphans []Rejected
	for _, ev := range ans.Events {
		s := saleOf(ev, keep, ref, now)
		if len(s.Items) > 0 {
			sales = append(sales, s)
		} else {
			orphans = append(orphans, s.Rejected...)
		}
	}
	sortSales(sales)
	if len(orphans) > 0 {
		if len(sales) > 0 {
			sales[0].Rejected = append(sales[0].Rejected, orphans...)
		} else {
			sales = append(sales, Sale{UTCDate: ref, Rejected: orphans})
		}
	}
	return sales
}

// saleOf is one checkout's valid items and rejects. Its time is the
// checkout's when that is within a minute of its first valid item (it is
// within 0.3 s in the real feed), else that item's.
func saleOf(ev Event, keep func(Item) bool, ref float64, now time.Time) Sale {
	var s Sale
	first := 0.0
	for _, it := range ev.Items {
		// An item without a time belongs to its checkout's time.
		if it.UTCDate == 0 {
			it.UTCDate = ev.UTCDate
		}
		it.ID = PurchaseID(it.UTCDate, it.URL)
		if keep != nil && !keep(it) {
			continue
		}
		if err := it.Check(ref, now); err != nil {
			s.Rejected = append(s.Rejected, reject(it, err))
			continue
		}
		if first == 0 || it.UTCDate < first {
			first = it.UTCDate
		}
		s.Items = append(s.Items, it)
	}
	s.UTCDate = first
	if math.Abs(ev.UTCDate-first) <= 60 {
		s.UTCDate = ev.UTCDate
	}
	return s
}

// sortSales orders sales by time, stably so that equal times keep the
// order the feed gave them.
func sortSales(sales []Sale) {
	slices.SortStableFunc(sales, func(a, b Sale) int { return cmp.Compare(a.UTCDate, b.UTCDate) })
}
