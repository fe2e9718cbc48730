// Package tutorial checks the RedisInsight tutorial in tutorial/ against the
// app: it reads the tutorial's manifest.json and markdown the way
// RedisInsight does, and its tests run every ```redis block against a Redis
// Stack filled by the app's own pipeline.
//
// The conventions a tutorial page follows (the tests enforce them):
//
//   - A runnable block is a fenced block whose language is "redis" or
//     "redis:[params]" (RedisInsight's documented parameters: results, mode,
//     pipeline, run_confirmation) followed by a label, the button's text:
//     ```redis Top five sellers
//   - HTML comments on the lines right above a block's opening fence are
//     markers, invisible in RedisInsight:
//     <!-- returns data -->  every command of the block must answer with
//     data: not nil, not an empty list, not a search with no hits, not a
//     SCAN page without keys.
//     <!-- app: NAME ARGS -->  the block holds exactly the commands the app
//     issues for NAME (see appCalls in the tests), for example
//     "app: search gore" is the FT.SEARCH that /purchase/search?term=gore runs.
//   - Placeholders are lower-case words in angle brackets, such as
//     purchase:<id>, and stand for a value the reader copies from the output
//     of an earlier command on the same page ("replace <id> with an id from
//     the previous command"). The tests substitute real values and check that
//     each one did appear in an earlier reply of that page.
//   - Blocks change nothing but scratch keys (tutorial:*), except a block
//     that asks RedisInsight for confirmation (run_confirmation=true) may add
//     to the app's stream, as the feed does.
package tutorial
