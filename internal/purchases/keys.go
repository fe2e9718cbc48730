package purchases

// The Redis keys and names the app uses. The contract (docs/contract.md) fixes purchase:<id>,
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
	liveStreamSize = 2000               // approximate length of purchases:live (see below)

	// The range analytics' counters, kept by the save script (see buckets.go).
	StatsPrefix    = "stats:"            // stats:day:<start ms>, stats:hour:<...>, stats:10min:<...> hashes: a bucket's purchases and cents, per type, currency and country
	ArtistsSuffix  = ":artists"          // stats:hour:<start ms>:artists (and the other levels') sorted sets: artist → cents
	DistinctSuffix = ":distinct-artists" // stats:hour:<start ms>:distinct-artists (and the other levels') HyperLogLogs of the artists
	CountryNames   = "stats:countries"   // country code → the name the feed gives it
	StatsScratch   = "stats:scratch"     // a key the range script uses and deletes within one run
)

// liveStreamSize bounds purchases:live, whose entries each hold a whole
// document: 2,000 is half an hour of the real feed (30–50 purchases a
// minute) and 10 s of the fan-out benchmark's 200 a second, for an
// instance's reader to find what it missed while Redis was unreachable.
// It was 10,000, which cost 47 B a purchase at 100,000 stored.

// Key is the document key of a purchase id.
func Key(id string) string { return KeyPrefix + id }

// The folding of stored documents' search_text (see Refold).
const (
	FoldedKey     = "purchases:folded"      // the FoldVersion stored documents are folded with
	FoldedLockKey = "purchases:folded:lock" // held by the instance that refolds them
)
