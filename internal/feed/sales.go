package feed

import (
	"cmp"
	"slices"
)

// salesOf turns an answer's sale events into Sales in time order, each item
// stamped with its PurchaseID. keep, when set, decides per item whether it is
// new; a checkout left with no items is dropped.
func salesOf(ans Answer, keep func(Item) bool) []Sale {
	sales := make([]Sale, 0, len(ans.Events))
	for _, ev := range ans.Events {
		if s, ok := saleOf(ev, keep); ok {
			sales = append(sales, s)
		}
	}
	sortSales(sales)
	return sales
}

func saleOf(ev Event, keep func(Item) bool) (Sale, bool) {
	items := make([]Item, 0, len(ev.Items))
	first := 0.0
	for _, it := range ev.Items {
		// An item without a time belongs to its checkout's time; the
		// checkout's time is within 0.3 s of its items anyway.
		if it.UTCDate == 0 {
			it.UTCDate = ev.UTCDate
		}
		it.ID = PurchaseID(it.UTCDate, it.URL)
		if keep != nil && !keep(it) {
			continue
		}
		if first == 0 || (it.UTCDate != 0 && it.UTCDate < first) {
			first = it.UTCDate
		}
		items = append(items, it)
	}
	if len(items) == 0 {
		return Sale{}, false
	}
	when := ev.UTCDate
	if when == 0 {
		when = first
	}
	return Sale{UTCDate: when, Items: items}, true
}

// sortSales orders sales by time, stably so that equal times keep the
// order the feed gave them.
func sortSales(sales []Sale) {
	slices.SortStableFunc(sales, func(a, b Sale) int { return cmp.Compare(a.UTCDate, b.UTCDate) })
}
