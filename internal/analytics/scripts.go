package analytics

import (
	_ "embed"

	"github.com/redis/go-redis/v9"
)

// The analytics' Lua scripts, each starting with the helpers of lib.lua
// (a script cannot load another). range.lua is declared no-writes: it only
// reads, so Redis may run it on a replica. artists.lua and trending.lua
// write a scratch key and delete it, without replicating either.
var (
	//go:embed lib.lua
	libLua string
	//go:embed range.lua
	rangeLua string
	//go:embed artists.lua
	artistsLua string
	//go:embed trending.lua
	trendingLua string

	rangeScript    = redis.NewScript("#!lua flags=no-writes\n" + libLua + rangeLua)
	trendingScript = redis.NewScript("#!lua\n" + libLua + trendingLua)
	artistsScript  = redis.NewScript("#!lua\n" + libLua + artistsLua)
)
