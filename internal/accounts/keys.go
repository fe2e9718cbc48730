package accounts

// The Redis keys this package owns. The contract (docs/contract.md) fixes account:<id> and
// session:<id>; the rest are ours.
const (
	userPrefix      = "user:"     // user:<ULID> RedisJSON user documents
	usernamePrefix  = "username:" // username:<folded name> → user ULID: the uniqueness claim
	accountPrefix   = "account:"  // account:<ULID> RedisJSON token documents
	SessionPrefix   = "session:"  // session:<SHA-256 of the cookie> RedisJSON session documents
	loginIPPrefix   = "ratelimit:login:ip:"
	loginUserPrefix = "ratelimit:login:user:" // + folded username
	registerPrefix  = "ratelimit:register:ip:"
)

// UserKey is the key of a user document.
func UserKey(id string) string { return userPrefix + id }

// AccountKey is the key of an account (token) document.
func AccountKey(id string) string { return accountPrefix + id }

func usernameKey(folded string) string { return usernamePrefix + folded }
