package watchlist

// The Redis keys of the watchlist (see doc.go).
const (
	userKeyPrefix         = "watchlist:"      // watchlist:<user id>: hash of term id → {"term","created"}
	TermsKey              = "watch:terms"     // term id → its folded text: the terms someone watches
	watchersKeyPrefix     = "watch:watchers:" // watch:watchers:<term id>: set of user ids
	countryKeyPrefix      = "watch:c:"        // watch:c:<folded term>: terms that may be a whole country name
	countryStartKeyPrefix = "watch:cs:"       // watch:cs:<country> <start>: a country and a word's start
	wordKeyPrefix         = "watch:w:"        // watch:w:<word>: terms of one whole word
	prefixKeyPrefix       = "watch:p:"        // watch:p:<prefix>: terms of one word that may be a prefix
	wordStartKeyPrefix    = "watch:ws:"       // watch:ws:<word> <start>: a whole word and another's start
	HitsKeyPrefix         = "watch:hits:"     // watch:hits:<term id>: stream of the term's matches (field p)
	LiveStream            = "watch:live"      // matches (p, doc, t) and notices (u), read by every instance
)

// Limits.
const (
	MaxTerms     = 100  // terms one user may watch
	MaxTermRunes = 100  // characters of a term, after trimming
	KeptMatches  = 500  // matches a user keeps (the list stops there)
	hitsPerTerm  = 500  // approximate length of each watch:hits:<id>
	liveLength   = 2000 // approximate length of watch:live
	// maxLookups bounds the sets one purchase looks in: a purchase of 30
	// words, each a dozen characters, stays under it; a longer text is
	// matched on its first words.
	maxLookups = 2000
)

func userKey(userID string) string     { return userKeyPrefix + userID }
func watchersKey(termID string) string { return watchersKeyPrefix + termID }
func hitsKey(termID string) string     { return HitsKeyPrefix + termID }
