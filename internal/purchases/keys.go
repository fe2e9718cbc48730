package purchases

// The Redis keys and names the app uses. The seed fixes purchase:<id>,
// top-sellers, sales_ts and the stream purchases; the rest are ours.
const (
	Stream         = "purchases"        // feed → pipeline: one entry per purchased item
	ConsumerGroup  = "purchase-store"   // the group that stores purchases
	DeadStream     = "purchases:dead"   // entries that could not be decoded, kept for a person to read
	LiveStream     = "purchases:live"   // stored purchases, read by every instance for the WebSocket
	KeyPrefix      = "purchase:"        // purchase:<id> RedisJSON documents
	TopSellers     = "top-sellers"      // artist → USD, all time
	SalesSeries    = "sales_ts"         // purchases per feed window (minute)
	RevenueSeries  = "sales_usd_ts"     // USD per feed window (minute)
	IndexAlias     = "idx:purchases"    // what queries use
	IndexName      = "idx:purchases:v2" // the current schema; bump on change
	indexPrefix    = "idx:purchases:v"  // older versions are dropped at start
	liveStreamSize = 10000              // approximate length kept for reconnecting readers
)

// Key is the document key of a purchase id.
func Key(id string) string { return KeyPrefix + id }
