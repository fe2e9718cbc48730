// Package tutorial checks the RedisInsight tutorial in tutorial/ against the
// app: it reads the tutorial's manifest.json and markdown the way
// RedisInsight does, and its tests run every page, alone, against a Redis
// Stack filled by the running app.
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
//     "app: search gore" is the FT.SEARCH that /purchase/search?term=gore
//     runs; "... on INDEX" sends them to a scratch index instead.
//     <!-- script: save.lua [COMMAND...] -->  the listing holds exactly the
//     commands the save script sends (or those of the names given), with
//     their arguments; placeholders such as <id> stand for its values.
//     <!-- cli -->  a text block the reader types into RedisInsight's CLI,
//     for the commands its Workbench refuses (XREADGROUP, XREAD); the tests
//     run it like a redis block.
//     <!-- step: NAME -->  before the block, the page asks the reader to do
//     something in the dashboard (register, a wrong password); the tests
//     do it through the app.
//   - Every block that lists commands without a Run button carries app:,
//     script: or cli, so no listing of the app's commands goes unchecked.
//   - Placeholders are lower-case words in angle brackets, such as
//     purchase:<id>, and stand for a value the reader copies from the latest
//     answer on the same page that shows one ("replace <id> with an id from
//     the previous command"). The tests copy it the same way.
//   - Each page stands alone: it works on whatever the app has stored,
//     makes the data its examples need under scratch keys (tutorial:*),
//     deletes them at its end, and says what an empty answer means where
//     one can happen. No block writes the app's own keys.
package tutorial
