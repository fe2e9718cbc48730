// Package watchlist lets each user watch terms (an artist, a label, a word,
// a country) and hear about every purchase that matches one, live and later.
//
// A purchase matches a term when the search box would find it for that
// term (the same folding and readings: purchases.TermReadings), so also
// when the term is the purchase's country, or a country and words of its
// text ("japan cassette", "cassette japan"). Matching is decided once per
// purchase, by the instance that stores it, and recorded by the save
// script that stores it (purchases/save.lua, the watchlist block), so a
// purchase delivered twice is matched once, in time that depends on the
// purchase's words, not on the number of users or terms:
//
//   - Terms are shared: every user who watches "gore" watches one term, whose
//     id is a hash of its folded text. The folded text is in the hash
//     watch:terms and beside its id in the index sets, its watchers in the
//     set watch:watchers:<id>.
//   - Each of a term's readings puts it in one set, made so that a purchase
//     the reading finds looks in it and few others do: watch:c:<country>
//     for the whole term as a country; watch:cs:<country> <start> for a
//     country and words (start: the first two characters of its longest
//     word); watch:w:<word> for one whole word, watch:p:<prefix> for one
//     word that may be a prefix; watch:ws:<word> <start> for more words
//     (its longest whole word and the start of its longest other word).
//     A term of common words ("night club") is then a candidate only of the
//     purchases that hold both, which stay few as terms grow (BENCHMARKS.md,
//     the watchlist section).
//   - Before a batch of purchases is saved, the Matcher reads each one's
//     candidates in one pipeline (a SUNION of the sets its words, their
//     prefixes, its country and their pairs name: lookupKeys), checks them
//     in Go, and hands the save script the terms each one matches; for a
//     new purchase the script appends it to watch:hits:<id> (the term's
//     last 500) and the match to watch:live.
//
// A user's matches are their terms' hits merged, newest first, from when
// they started watching (Service.Matches). Every instance tails watch:live
// and sends each match to its own sockets of the users who watch the term
// (Deliverer); adding or removing a term writes a notice to the same
// stream, so every instance reloads that user's terms in order.
package watchlist
