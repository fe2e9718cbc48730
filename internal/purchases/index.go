package purchases

import (
	"context"
	"fmt"
	"strings"

	"github.com/redis/go-redis/v9"
)

// indexSchema is FT.CREATE's arguments after the index name. It indexes only
// what the app's queries read, because every indexed field costs memory for
// each of a million purchases (see BENCHMARKS.md, "4. Memory"):
//   - search_text, the one TEXT field: the search box matches the folded
//     artist, album and item (see Fold). The original text fields are not
//     indexed: no query reads them, and they cost 29 B a purchase (with NOHL).
//   - country (a TAG, '|' as separator because names such as "Korea,
//     Republic of" hold the default ','), matched by the search box, and
//     country_code, which the map groups by.
//   - utc_date_raw, SORTABLE: every list is newest first, and the recent
//     windows are ranges on it.
//   - amount_paid_usd, SORTABLE NOINDEX: the map sums it. NOINDEX drops the
//     range index no query uses (10 B a purchase); the SORTABLE copy (24 B)
//     stays because loading the amount from each JSON document instead made
//     the map's query, which every dashboard polls, 50% slower (13 → 21 ms
//     for the last hour).
//
// NOHL drops the byte offsets kept for highlighting, which the app never
// asks for (113 B a purchase); the term positions stay, so the CJK phrase
// queries still work. NOFREQS drops term frequencies, which only scoring
// reads: every query sorts by utc_date_raw. NOFIELDS drops the per-term
// field masks, useless with a single TEXT field.
var indexSchema = []any{
	"ON", "JSON", "PREFIX", "1", KeyPrefix, "NOHL", "NOFIELDS", "NOFREQS", "STOPWORDS", "0",
	"SCHEMA",
	"$.search_text", "AS", "search_text", "TEXT", "NOSTEM",
	"$.country", "AS", "country", "TAG", "SEPARATOR", "|",
	"$.country_code", "AS", "country_code", "TAG",
	"$.utc_date_raw", "AS", "utc_date_raw", "NUMERIC", "SORTABLE",
	"$.amount_paid_usd", "AS", "amount_paid_usd", "NUMERIC", "SORTABLE", "NOINDEX",
}

// EnsureIndex makes IndexAlias point at the current IndexName, creating it
// when missing. A schema change bumps IndexName: the new index is built in
// the background from the existing documents, the alias moves to it and the
// old index is dropped (its documents kept), so no FLUSHALL is ever needed.
// Several instances may run this at once; each step tolerates the others.
func EnsureIndex(ctx context.Context, rdb redis.UniversalClient) error {
	current, err := aliasTarget(ctx, rdb)
	if err != nil {
		return err
	}
	if current == IndexName {
		return nil
	}
	args := append([]any{"FT.CREATE", IndexName}, indexSchema...)
	if err := rdb.Do(ctx, args...).Err(); err != nil && !strings.Contains(err.Error(), "already exists") {
		return fmt.Errorf("purchases: FT.CREATE %s: %w", IndexName, err)
	}
	if err := rdb.Do(ctx, "FT.ALIASUPDATE", IndexAlias, IndexName).Err(); err != nil {
		return fmt.Errorf("purchases: FT.ALIASUPDATE %s: %w", IndexAlias, err)
	}
	if current != "" && strings.HasPrefix(current, indexPrefix) {
		// Without DD: the documents stay, only the old index goes.
		if err := rdb.Do(ctx, "FT.DROPINDEX", current).Err(); err != nil && !isUnknownIndex(err) {
			return fmt.Errorf("purchases: FT.DROPINDEX %s: %w", current, err)
		}
	}
	return nil
}

// aliasTarget is the index the alias points at, or "" when there is none.
func aliasTarget(ctx context.Context, rdb redis.UniversalClient) (string, error) {
	info, err := rdb.Do(ctx, "FT.INFO", IndexAlias).Slice()
	if err != nil {
		if isUnknownIndex(err) {
			return "", nil
		}
		return "", fmt.Errorf("purchases: FT.INFO %s: %w", IndexAlias, err)
	}
	for i := 0; i+1 < len(info); i += 2 {
		if k, _ := info[i].(string); k == "index_name" {
			name, _ := info[i+1].(string)
			return name, nil
		}
	}
	return "", fmt.Errorf("purchases: FT.INFO %s: no index_name", IndexAlias)
}

func isUnknownIndex(err error) bool {
	msg := strings.ToLower(err.Error())
	return strings.Contains(msg, "unknown index") || strings.Contains(msg, "no such index") || strings.Contains(msg, "not found")
}

// EnsureSeries creates the two sales series, or sets their retention when
// they exist, so both keep the same span as the documents.
func EnsureSeries(ctx context.Context, rdb redis.UniversalClient, retentionMS int64) error {
	for _, s := range []struct{ key, metric string }{{SalesSeries, "purchases"}, {RevenueSeries, "usd"}} {
		err := rdb.Do(ctx, "TS.CREATE", s.key, "RETENTION", retentionMS, "DUPLICATE_POLICY", "SUM",
			"LABELS", "app", "beats", "metric", s.metric).Err()
		if err != nil && strings.Contains(err.Error(), "already exists") {
			err = rdb.Do(ctx, "TS.ALTER", s.key, "RETENTION", retentionMS, "DUPLICATE_POLICY", "SUM").Err()
		}
		if err != nil {
			return fmt.Errorf("purchases: series %s: %w", s.key, err)
		}
	}
	return nil
}
