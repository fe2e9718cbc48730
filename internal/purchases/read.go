package purchases

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// Reader answers the dashboard's questions about stored purchases.
type Reader struct {
	rdb redis.UniversalClient
}

// NewReader returns a Reader over rdb.
func NewReader(rdb redis.UniversalClient) *Reader { return &Reader{rdb: rdb} }

// MaxResults is the most purchases a search page or the recent list returns.
const MaxResults = 10

// Search returns up to MaxResults purchases matching term, newest first.
func (r *Reader) Search(ctx context.Context, term string) ([]Purchase, error) {
	page, err := r.SearchPage(ctx, term, nil)
	return page.Purchases, err
}

// SearchPage returns the page of purchases matching term that follows
// after (the first page when nil), and the cursor of the next page when
// there are more.
func (r *Reader) SearchPage(ctx context.Context, term string, after *Cursor) (Page, error) {
	query, err := SearchQuery(term)
	if err != nil {
		return Page{}, err
	}
	return r.newest(ctx, query, after, true)
}

// Get returns one purchase by id, or ErrNotFound.
func (r *Reader) Get(ctx context.Context, id string) (Purchase, error) {
	raw, err := r.rdb.JSONGet(ctx, Key(id), "$").Result()
	if err != nil && !errors.Is(err, redis.Nil) {
		return Purchase{}, fmt.Errorf("purchases: JSON.GET %s: %w", id, err)
	}
	p, found, err := DecodePathAnswer(raw)
	if err != nil {
		return Purchase{}, fmt.Errorf("purchases: decode %s: %w", id, err)
	}
	if !found {
		return Purchase{}, fmt.Errorf("purchases: %s: %w", id, ErrNotFound)
	}
	p.ID = id // the document leaves it to the key (see document)
	return p, nil
}

// Recent returns the MaxResults most recent purchases.
func (r *Reader) Recent(ctx context.Context) ([]Purchase, error) {
	page, err := r.newest(ctx, Query{Text: "*"}, nil, false)
	return page.Purchases, err
}

// recentWindows are the spans newest asks first. SORTBY with LIMIT still
// visits every match to keep the newest ten, so a common term (a country
// with 300,000 purchases) costs 100 ms over the whole index but well under
// a millisecond over the last 15 minutes. When a window holds the ten
// newest, they are the ten newest overall: everything outside it is older.
var recentWindows = []time.Duration{15 * time.Minute, 6 * time.Hour}

// newest returns the MaxResults newest purchases matching query (after the
// cursor, if any), asking the recent windows first and the whole index
// last. When paged, it asks for one more, which tells whether a next page
// follows. The windows end at the cursor's time, so later pages are as cheap
// as the first. Only the answer used is decoded: decoding a window's
// documents to throw them away cost a search as much CPU as the rest of the
// request.
func (r *Reader) newest(ctx context.Context, query Query, after *Cursor, paged bool) (Page, error) {
	top, upper, skip := time.Now(), "+inf", 0
	if after != nil {
		top = time.UnixMicro(int64(after.Before * 1e6))
		upper, skip = strconv.FormatFloat(after.Before, 'f', -1, 64), after.Skip
	}
	within := func(bounds string) Query {
		q := Query{Text: bounds, Params: query.Params}
		if query.Text != "*" {
			q.Text = "(" + query.Text + ") " + bounds
		}
		return q
	}
	want := MaxResults
	if paged {
		want++
	}
	for _, span := range recentWindows {
		since := float64(top.Add(-span).UnixMilli()) / 1000
		docs, err := r.search(ctx, within(fmt.Sprintf("@utc_date_raw:[%.3f %s]", since, upper)), skip, want)
		if err != nil {
			return Page{}, err
		}
		if len(docs) == want {
			return pageOf(docs, after)
		}
	}
	whole := query
	if after != nil {
		whole = within("@utc_date_raw:[-inf " + upper + "]")
	}
	docs, err := r.search(ctx, whole, skip, want)
	if err != nil {
		return Page{}, err
	}
	return pageOf(docs, after)
}

// search runs one FT.SEARCH for the newest matches of query, skipping the
// first offset.
func (r *Reader) search(ctx context.Context, query Query, offset, limit int) ([]redis.Document, error) {
	res, err := r.rdb.FTSearchWithArgs(ctx, IndexAlias, query.Text, &redis.FTSearchOptions{
		SortBy:         []redis.FTSearchSortBy{{FieldName: "utc_date_raw", Desc: true}},
		LimitOffset:    offset,
		Limit:          limit,
		Params:         query.Params,
		DialectVersion: 2,
	}).Result()
	if err != nil {
		return nil, fmt.Errorf("purchases: FT.SEARCH %q: %w", query.Text, err)
	}
	return res.Docs, nil
}

// decodeDocs reads the purchases of FT.SEARCH's documents, in their order.
func decodeDocs(docs []redis.Document) ([]Purchase, error) {
	out := make([]Purchase, 0, len(docs))
	for _, d := range docs {
		p, err := DecodeDocument(d.Fields["$"])
		if err != nil {
			return nil, fmt.Errorf("purchases: decode %s: %w", d.ID, err)
		}
		p.ID = strings.TrimPrefix(d.ID, KeyPrefix) // the document leaves it to the key (see document)
		out = append(out, p)
	}
	return out, nil
}

// TopSellersChart is the shape /purchases/top-sellers answers and the pie
// chart reads: artists and their USD totals, highest first.
type TopSellersChart struct {
	Labels []string  `json:"labels"`
	Series []float64 `json:"series"`
}

// TopSellers returns the n artists with the most sales in USD.
func (r *Reader) TopSellers(ctx context.Context, n int) (TopSellersChart, error) {
	zs, err := r.rdb.ZRangeArgsWithScores(ctx, redis.ZRangeArgs{Key: TopSellers, Start: 0, Stop: n - 1, Rev: true}).Result()
	if err != nil {
		return TopSellersChart{}, fmt.Errorf("purchases: ZRANGE %s REV: %w", TopSellers, err)
	}
	chart := TopSellersChart{Labels: make([]string, 0, len(zs)), Series: make([]float64, 0, len(zs))}
	for _, z := range zs {
		// A score of ±Inf, left by an amount stored before amounts were
		// checked, would make every answer fail to encode: leave it out.
		if math.IsInf(z.Score, 0) || math.IsNaN(z.Score) {
			continue
		}
		name, _ := z.Member.(string)
		chart.Labels = append(chart.Labels, name)
		chart.Series = append(chart.Series, round2(z.Score))
	}
	return chart, nil
}

// Point is one sample of the sales chart: x in milliseconds, y the value.
type Point struct {
	X int64   `json:"x"`
	Y float64 `json:"y"`
}

// HistoryQuery selects a span of a series; zero values mean the whole range
// and raw samples (one a minute). Samples at FromMS are in, as in every
// range of the API, and samples at ToMS out.
type HistoryQuery struct {
	FromMS, ToMS int64
	BucketMS     int64 // sums samples into buckets this wide
}

// History returns purchases per window from sales_ts.
func (r *Reader) History(ctx context.Context, q HistoryQuery) ([]Point, error) {
	return r.series(ctx, SalesSeries, q)
}

// Revenue returns USD per window from sales_usd_ts.
func (r *Reader) Revenue(ctx context.Context, q HistoryQuery) ([]Point, error) {
	return r.series(ctx, RevenueSeries, q)
}

func (r *Reader) series(ctx context.Context, key string, q HistoryQuery) ([]Point, error) {
	args := []any{"TS.RANGE", key, "-", "+"}
	if q.FromMS > 0 {
		args[2] = q.FromMS
	}
	if q.ToMS > 0 {
		if q.ToMS <= q.FromMS {
			return []Point{}, nil
		}
		args[3] = q.ToMS - 1
	}
	if q.BucketMS > 0 {
		args = append(args, "AGGREGATION", "sum", q.BucketMS)
	}
	rows, err := r.rdb.Do(ctx, args...).Slice()
	if err != nil {
		if redis.HasErrorPrefix(err, "ERR TSDB: the key does not exist") {
			return []Point{}, nil
		}
		return nil, fmt.Errorf("purchases: TS.RANGE %s: %w", key, err)
	}
	points := make([]Point, 0, len(rows))
	for _, row := range rows {
		pair, ok := row.([]any)
		if !ok || len(pair) != 2 {
			continue
		}
		ts, _ := pair[0].(int64)
		points = append(points, Point{X: ts, Y: round2(toFloat(pair[1]))})
	}
	return points, nil
}

func toFloat(v any) float64 {
	switch x := v.(type) {
	case float64:
		return x
	case int64:
		return float64(x)
	case string:
		var f float64
		if _, err := fmt.Sscan(x, &f); err == nil && !math.IsNaN(f) {
			return f
		}
	}
	return 0
}
