package accounts

// The Redis keys this package owns. The contract (docs/contract.md) fixes account:<id> and
// session:<id>; the rest are ours.
const (
	userPrefix      = "user:"              // user:<ULID> RedisJSON user documents
	usernamePrefix  = "username:"          // username:<folded name> → user ULID: the uniqueness claim
	accountPrefix   = "account:"           // account:<ULID> RedisJSON token documents
	SessionPrefix   = "session:"           // session:<SHA-256 of the cookie> RedisJSON session documents
	skeletonPrefix  = "username-skeleton:" // username-skeleton:<skeleton> → user ULID: no look-alike names
	loginsPrefix    = "logins:"            // logins:<user ULID> hash: account ULID → session id, the user's sessions
	loginIPPrefix   = "ratelimit:login:ip:"
	loginPairPrefix = "ratelimit:login:ip-user:" // + ip:folded username
	loginUserPrefix = "ratelimit:login:user:"    // + folded username
	loginSlowPrefix = "ratelimit:login:slow:"    // + folded username
	registerPrefix  = "ratelimit:register:ip:"
	// EndedChannel is the pub/sub channel on which the ids of ended logins
	// (account ULIDs, space-separated) are published, so that every instance
	// closes their WebSockets (LoginWatch).
	EndedChannel = "logins:ended"
)

// UserKey is the key of a user document.
func UserKey(id string) string { return userPrefix + id }

// AccountKey is the key of an account (token) document.
func AccountKey(id string) string { return accountPrefix + id }

func usernameKey(folded string) string { return usernamePrefix + folded }

func skeletonKey(skeleton string) string { return skeletonPrefix + skeleton }

func loginsKey(userID string) string { return loginsPrefix + userID }
