package analytics

import (
	_ "embed"

	"github.com/redis/go-redis/v9"
)

// The analytics' Lua scripts. Each is declared no-writes: it only reads, so
// Redis may run it on a replica and never writes it to the AOF; and each
// starts with the helpers of lib.lua, since a script cannot load another.
var (
	//go:embed lib.lua
	libLua string
	//go:embed range.lua
	rangeLua string
	//go:embed trending.lua
	trendingLua string

	rangeScript    = readOnlyScript(rangeLua)
	trendingScript = readOnlyScript(trendingLua)
)

func readOnlyScript(body string) *redis.Script {
	return redis.NewScript("#!lua flags=no-writes\n" + libLua + body)
}
