package watchlist

// The Redis keys of the watchlist (see doc.go).
const (
	userKeyPrefix     = "watchlist:"      // watchlist:<user id>: hash of term id → {"term","created"}
	TermsKey          = "watch:terms"     // term id → its spec (clauses, one a line)
	watchersKeyPrefix = "watch:watchers:" // watch:watchers:<term id>: set of user ids
	wordKeyPrefix     = "watch:w:"        // watch:w:<word>: term ids anchored on that word
	prefixKeyPrefix   = "watch:p:"        // watch:p:<prefix>: term ids anchored on a last word
	countryKeyPrefix  = "watch:c:"        // watch:c:<folded term>: every term, as a country name
	HitsKeyPrefix     = "watch:hits:"     // watch:hits:<term id>: stream of the term's matches (field p)
	LiveStream        = "watch:live"      // matches (p, doc, t) and notices (u), read by every instance
	SketchKey         = "watch:lookups"   // Count-Min Sketch: how often purchases looked in each index set
)

// The sketch's size: 65,536 counters in each of 4 rows (2 MB). A count is
// too high by at most e/65,536 of all lookups (with 98 % confidence): at a
// million purchases of about 36 lookups each, some 1,500, so rare sets look
// alike, and common ones, counted in the hundreds of thousands, stand out.
const (
	sketchWidth = 65536
	sketchDepth = 4
)

// Limits.
const (
	MaxTerms     = 100  // terms one user may watch
	MaxTermRunes = 100  // characters of a term, after trimming
	KeptMatches  = 500  // matches a user keeps (the list stops there)
	hitsPerTerm  = 500  // approximate length of each watch:hits:<id>
	liveLength   = 2000 // approximate length of watch:live
	// maxLookups bounds the keys one purchase looks up: the prefixes of a
	// 1 KB item description stay under it; a longer text is only matched on
	// its first words.
	maxLookups = 1000
)

func userKey(userID string) string     { return userKeyPrefix + userID }
func watchersKey(termID string) string { return watchersKeyPrefix + termID }
func hitsKey(termID string) string     { return HitsKeyPrefix + termID }
