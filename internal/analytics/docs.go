package analytics

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/beatsbyredis/beats/internal/purchases"
)

// cursorCount is how many documents each cursor read returns: Redis does
// that much work per command, and only that much waits in memory here.
const cursorCount = 1000

// readTimeoutMS bounds the work of one unsorted cursor read in Redis.
const readTimeoutMS = 100

// sortMax is more rows than a sorted query ever matches: exports sort an
// hour (or, past denseChunk purchases, a minute) at a time.
const sortMax = 10_000_000

// scan calls fn with each purchase whose document matches query, oldest
// first when sorted is set. It reads through an FT.AGGREGATE cursor: the
// search module's TIMEOUT then only shortens one read (the cursor carries
// on where it stopped), where a plain FT.AGGREGATE past it silently answers
// part of the rows, which an exact sum cannot afford. Whole documents are
// loaded ("$"): a single loaded field is printed with 12 significant
// digits, the document keeps every digit of every number.
func scan(ctx context.Context, rdb redis.UniversalClient, query purchases.Query, sorted bool, fn func(purchases.Purchase) error) error {
	args := []any{"FT.AGGREGATE", purchases.IndexAlias, query.Text}
	if sorted {
		// Before LOAD: the sort reads the index's sortable copy, and each
		// document is loaded only when its row is read. Without MAX, a
		// sorted FT.AGGREGATE answers only its first 10 rows. The module's
		// own TIMEOUT stays: a sort cut short crawls on a few rows a read.
		args = append(args, "SORTBY", 2, "@utc_date_raw", "ASC", "MAX", sortMax)
	}
	args = append(args, "LOAD", 4, "@__key", "$", "AS", "doc")
	if !sorted {
		// No read may hold Redis longer than this, whatever the module's
		// configuration; a read cut short loses nothing, the cursor goes on.
		args = append(args, "TIMEOUT", readTimeoutMS)
	}
	args = append(args, "WITHCURSOR", "COUNT", cursorCount)
	if len(query.Params) > 0 {
		names := slices.Sorted(maps.Keys(query.Params))
		args = append(args, "PARAMS", 2*len(names))
		for _, name := range names {
			args = append(args, name, query.Params[name])
		}
	}
	args = append(args, "DIALECT", 2)
	reply, err := rdb.Do(ctx, args...).Slice()
	for {
		if err != nil {
			return fmt.Errorf("analytics: FT.AGGREGATE %q: %w", query.Text, err)
		}
		cursor, err := eachRow(reply, fn)
		if err == nil && cursor != 0 {
			err = ctx.Err()
		}
		if err != nil {
			deleteCursor(rdb, cursor)
			return err
		}
		if cursor == 0 {
			return nil
		}
		reply, err = rdb.Do(ctx, "FT.CURSOR", "READ", purchases.IndexAlias, cursor, "COUNT", cursorCount).Slice()
		if err != nil {
			deleteCursor(rdb, cursor)
		}
	}
}

// deleteCursor frees a cursor left unread, which Redis would otherwise keep
// until it has been idle for CURSOR_MAX_IDLE.
func deleteCursor(rdb redis.UniversalClient, cursor int64) {
	if cursor != 0 {
		_ = rdb.Do(context.Background(), "FT.CURSOR", "DEL", purchases.IndexAlias, cursor).Err()
	}
}

// eachRow reads one cursor reply, [[count, row...], cursor] with each row
// ["__key", key, "doc", JSON], and calls fn with each purchase.
func eachRow(reply []any, fn func(purchases.Purchase) error) (int64, error) {
	if len(reply) != 2 {
		return 0, fmt.Errorf("analytics: FT.AGGREGATE: a reply of %d elements", len(reply))
	}
	cursor, _ := reply[1].(int64)
	batch, _ := reply[0].([]any)
	for _, r := range batch[min(1, len(batch)):] { // batch[0] is a count
		var key, doc string
		fields, _ := r.([]any)
		for i := 0; i+1 < len(fields); i += 2 {
			switch name, _ := fields[i].(string); name {
			case "__key":
				key, _ = fields[i+1].(string)
			case "doc":
				doc, _ = fields[i+1].(string)
			}
		}
		if doc == "" { // the document expired between the query and the load
			continue
		}
		p, err := purchases.DecodeDocument(doc)
		if err != nil {
			return cursor, fmt.Errorf("analytics: decode %s: %w", key, err)
		}
		p.ID = strings.TrimPrefix(key, purchases.KeyPrefix)
		if err := fn(p); err != nil {
			return cursor, err
		}
	}
	return cursor, nil
}

// spanQuery matches purchases dated in any of spans.
func spanQuery(spans []Range) string {
	parts := make([]string, len(spans))
	for i, s := range spans {
		parts[i] = fmt.Sprintf("@utc_date_raw:[%s (%s]", seconds(s.From), seconds(s.To))
	}
	if len(parts) == 1 {
		return parts[0]
	}
	return "(" + strings.Join(parts, ") | (") + ")"
}
