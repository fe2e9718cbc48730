// Package watchlist lets each user watch terms (an artist, a label, a word,
// a country) and hear about every purchase that matches one, live and later.
//
// A purchase matches a term when the search box would find it for that
// term (the same folding and clauses: purchases.TermClauses), or when the
// term is the purchase's country. Matching is decided once per purchase,
// in the save script that stores it (purchases/save.lua, the watchlist
// block), so a purchase delivered twice is matched once, and in time that
// depends on the purchase's words, not on the number of users or terms:
//
//   - Terms are shared: every user who watches "gore" watches one term, whose
//     id is a hash of its folded text. Its clauses (a "spec") are in the hash
//     watch:terms and beside its id in the index sets, its watchers in the
//     set watch:watchers:<id>.
//   - Each term is indexed under one anchor, the word of it that purchases
//     look up least (the save script counts every lookup in the Count-Min
//     Sketch watch:lookups; among equals, the longest word): watch:w:<word>
//     for a whole word, watch:p:<prefix> when the anchor is the last word,
//     which may be a prefix; and under watch:c:<folded term>, in case it
//     names a country. So a purchase meets as candidates mostly the terms
//     anchored on the rare words it holds, which stay few as terms grow
//     (BENCHMARKS.md, "6. Watchlist").
//   - The save script counts and looks up the purchase's words, every
//     prefix of them and its country (Matcher.SaveArgs declares those
//     keys), checks each candidate's clauses, and for each term that
//     matches appends the
//     purchase to watch:hits:<id> (the term's last 500) and the match to
//     watch:live.
//
// A user's matches are their terms' hits merged, newest first, from when
// they started watching (Service.Matches). Every instance tails watch:live
// and sends each match to its own sockets of the users who watch the term
// (Deliverer); adding or removing a term writes a notice to the same
// stream, so every instance reloads that user's terms in order.
package watchlist
