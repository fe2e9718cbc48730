// Package purchases keeps each purchase as a RedisJSON document indexed by
// the Redis Query Engine, with top sellers in a sorted set and sales in two
// time series, and answers the dashboard's questions about them.
//
// # The three shapes of a purchase
//
// A purchase takes three shapes on its way from the feed to the browser:
//
//  1. The feed item (feed.Item, internal/feed/feed.go): one item of a
//     checkout as the Bandcamp feed writes it, with the feed's quirks
//     (the string "null", absent keys, ':' in artist names). The publisher
//     XADDs it, as the feed's JSON, to the purchases stream, in the field
//     "item" beside its id.
//  2. The purchase (Purchase, purchase.go): the item normalized by the
//     contract's rules (Normalize), in the contract's flat shape
//     (docs/contract.md) plus its id. This is what the API answers
//     and the WebSocket sends.
//  3. The stored document (document, smallerdocuments.go): the purchase as
//     the save script writes it to purchase:<id>, with the same JSON names
//     but fewer keys (what the reader rebuilds exactly is left out, see
//     restore), plus search_text, the folded text the index searches.
//     encodeDocument writes it; DecodeDocument reads it back into a
//     Purchase, for FT.SEARCH's answers, JSON.GET and the live stream,
//     whose entries carry the same document in their "doc" field.
package purchases
