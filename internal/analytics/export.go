package analytics

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/redis/go-redis/v9"

	"github.com/beatsbyredis/beats/internal/purchases"
)

// Export formats.
const (
	FormatCSV    = "csv"
	FormatNDJSON = "ndjson"
)

// ExportQuery selects what GET /purchases/export writes.
type ExportQuery struct {
	Range  Range
	Term   string // a search term, as /purchase/search takes it; "" for all
	Format string // FormatCSV or FormatNDJSON
}

// ExportFilter is the query an export's term adds to its time ranges (an
// empty one for no term). It fails with purchases.ErrBadQuery, before
// anything is written.
func ExportFilter(term string) (purchases.Query, error) {
	if term == "" {
		return purchases.Query{}, nil
	}
	return purchases.SearchQuery(term)
}

// denseChunk is the most purchases an hour may hold and still be exported
// in one sorted query; a denser hour goes minute by minute. Each query
// sorts its matches in Redis before the cursor reads them, so this bounds
// the work of one command.
const denseChunk = 20_000

// writeExport writes every purchase of q, oldest first, to w: CSV with a
// header row, or one JSON purchase a line. It reads the range an hour at a
// time, each hour sorted by the search module and read through a cursor,
// so memory here and work in Redis stay bounded however long the range.
func writeExport(ctx context.Context, rdb redis.UniversalClient, w io.Writer, q ExportQuery) (int64, error) {
	filter, err := ExportFilter(q.Term)
	if err != nil {
		return 0, err
	}
	chunks, err := exportChunks(ctx, rdb, q.Range, denseChunk)
	if err != nil {
		return 0, err
	}
	out := bufio.NewWriterSize(w, 64<<10)
	if q.Format == FormatCSV {
		if _, err := out.Write(csvHeader()); err != nil {
			return 0, err
		}
	}
	var rows int64
	var line []byte
	write := func(p purchases.Purchase) error {
		line = line[:0]
		if q.Format == FormatCSV {
			line = appendCSV(line, p)
		} else {
			b, err := json.Marshal(p)
			if err != nil {
				return fmt.Errorf("analytics: encode %s: %w", p.ID, err)
			}
			line = append(append(line, b...), '\n')
		}
		rows++
		_, err := out.Write(line)
		return err
	}
	for _, c := range chunks {
		query := purchases.Query{Text: spanQuery([]Range{c}), Params: filter.Params}
		if filter.Text != "" {
			query.Text = "(" + filter.Text + ") " + query.Text
		}
		if err := scan(ctx, rdb, query, true, write); err != nil {
			return rows, err
		}
	}
	return rows, out.Flush()
}

// exportChunks cuts r at hours, and an hour of more than dense purchases
// (by its counter) at minutes.
func exportChunks(ctx context.Context, rdb redis.UniversalClient, r Range, dense int64) ([]Range, error) {
	var hours []Range
	for t := floor(r.From, purchases.HourMS); t < r.To; t += purchases.HourMS {
		hours = append(hours, Range{max(t, r.From), min(t+purchases.HourMS, r.To)})
	}
	pipe := rdb.Pipeline()
	counts := make([]*redis.StringCmd, len(hours))
	for i, h := range hours {
		counts[i] = pipe.HGet(ctx, purchases.BucketKey("hour", floor(h.From, purchases.HourMS)), "purchases")
	}
	if len(hours) > 0 {
		if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
			return nil, fmt.Errorf("analytics: hour counts: %w", err)
		}
	}
	var chunks []Range
	for i, h := range hours {
		if n, _ := counts[i].Int64(); n <= dense {
			chunks = append(chunks, h)
			continue
		}
		for t := floor(h.From, 60_000); t < h.To; t += 60_000 {
			chunks = append(chunks, Range{max(t, h.From), min(t+60_000, h.To)})
		}
	}
	return chunks, nil
}
