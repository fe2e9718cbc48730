package realtime

import (
	"github.com/beatsbyredis/beats/internal/feed"
	"github.com/beatsbyredis/beats/internal/purchases"
)

// The messages a client receives. Each is a JSON object with one top-level
// key (two for the snapshot), so the browser dispatches on the key.

// purchasesMessage carries what one XREAD returned, newest first.
type purchasesMessage struct {
	Purchases []purchases.Purchase `json:"purchases"`
}

// snapshotMessage carries both charts in the shapes of the REST endpoints
// /purchases/top-sellers and /purchases/history, each history entry also
// as {timestamp, value}, which the original app's client reads.
type snapshotMessage struct {
	TopSellers      purchases.TopSellersChart `json:"topSellers"`
	PurchaseHistory []purchases.ChartPoint    `json:"purchaseHistory"`
}

// feedMessage tells the dashboard where sales come from ("live", "replay"
// or "synthetic") and how the feed fares: /feed/status's shape.
type feedMessage struct {
	Feed feed.Status `json:"feed"`
}
