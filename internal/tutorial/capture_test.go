package tutorial_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/beatsbyredis/beats/internal/analytics"
	"github.com/beatsbyredis/beats/internal/feed"
	"github.com/beatsbyredis/beats/internal/ingest"
	"github.com/beatsbyredis/beats/internal/purchases"
)

// recorder is a go-redis hook that records the commands the app issues and
// answers each with nothing, without a server: FT.INFO answers "Unknown
// index name" so that EnsureIndex goes on to create the index.
type recorder struct{ cmds [][]string }

func (r *recorder) DialHook(next redis.DialHook) redis.DialHook { return next }

func (r *recorder) ProcessHook(redis.ProcessHook) redis.ProcessHook {
	return func(_ context.Context, cmd redis.Cmder) error { return r.answer(cmd) }
}

func (r *recorder) ProcessPipelineHook(redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(_ context.Context, cmds []redis.Cmder) error {
		for _, cmd := range cmds {
			_ = r.answer(cmd)
		}
		return nil
	}
}

func (r *recorder) answer(cmd redis.Cmder) error {
	args := make([]string, len(cmd.Args()))
	for i, a := range cmd.Args() {
		args[i] = argText(a)
	}
	if strings.EqualFold(args[0], "FT.INFO") {
		err := errors.New("Unknown index name")
		cmd.SetErr(err)
		return err
	}
	r.cmds = append(r.cmds, args)
	return nil
}

// argText writes an argument as go-redis sends it.
func argText(a any) string {
	switch v := a.(type) {
	case string:
		return v
	case []byte:
		return string(v)
	case int:
		return strconv.Itoa(v)
	case int64:
		return strconv.FormatInt(v, 10)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case bool:
		if v {
			return "1"
		}
		return "0"
	}
	return fmt.Sprint(a)
}

// appCall runs one of the app's functions against a client that records
// the commands it issues. arg is the rest of the block's "app:" marker; cmds
// are the block's own commands, for calls that take their input from them.
type appCall func(ctx context.Context, rdb redis.UniversalClient, rec *recorder, arg string, cmds [][]string) error

// consumerPlaceholder names the app instance's consumer in listings; the
// app names it after the instance.
const consumerPlaceholder = "<consumer>"

// appCalls are the names an "app:" marker may use.
var appCalls = map[string]appCall{
	// GET /purchase/search?term=ARG
	"search": func(ctx context.Context, rdb redis.UniversalClient, rec *recorder, term string, _ [][]string) error {
		_, _ = purchases.NewReader(rdb).Search(ctx, term)
		return nil
	},
	// The last command of GET /purchase/search?term=ARG: the query over the
	// whole index.
	"search-all": func(ctx context.Context, rdb redis.UniversalClient, rec *recorder, term string, _ [][]string) error {
		_, _ = purchases.NewReader(rdb).Search(ctx, term)
		rec.cmds = rec.cmds[max(0, len(rec.cmds)-1):]
		return nil
	},
	// GET /purchases
	"recent": func(ctx context.Context, rdb redis.UniversalClient, rec *recorder, _ string, _ [][]string) error {
		_, _ = purchases.NewReader(rdb).Recent(ctx)
		return nil
	},
	// GET /purchases/top-sellers (the top five)
	"top-sellers": func(ctx context.Context, rdb redis.UniversalClient, rec *recorder, _ string, _ [][]string) error {
		_, _ = purchases.NewReader(rdb).TopSellers(ctx, 5)
		return nil
	},
	// GET /purchases/history[?bucket=ARG]
	"history": func(ctx context.Context, rdb redis.UniversalClient, rec *recorder, arg string, _ [][]string) error {
		q, err := bucketQuery(arg)
		_, _ = purchases.NewReader(rdb).History(ctx, q)
		return err
	},
	// GET /purchases/revenue[?bucket=ARG]
	"revenue": func(ctx context.Context, rdb redis.UniversalClient, rec *recorder, arg string, _ [][]string) error {
		q, err := bucketQuery(arg)
		_, _ = purchases.NewReader(rdb).Revenue(ctx, q)
		return err
	},
	// The read of a range's partial hours from the documents, ARG being
	// "FROM TO" in ms: the first command Stats sends for a range that
	// starts inside an hour (the recorder's empty answer ends it there).
	"range-edges": func(ctx context.Context, rdb redis.UniversalClient, rec *recorder, arg string, _ [][]string) error {
		svc, r, err := rangeService(rdb, arg)
		_, _ = svc.Stats(ctx, r)
		return err
	},
	// GET /purchases/export?from=FROM&to=TO, ARG being "FROM TO": the hour
	// counts that decide how to cut the range, then the first hour's read.
	"export": func(ctx context.Context, rdb redis.UniversalClient, rec *recorder, arg string, _ [][]string) error {
		svc, r, err := rangeService(rdb, arg)
		_, _ = svc.Export(ctx, io.Discard, analytics.ExportQuery{Range: r, Format: analytics.FormatCSV})
		return err
	},
	// The app's start: the index and its alias, the series, the group.
	"create-index": func(ctx context.Context, rdb redis.UniversalClient, rec *recorder, _ string, _ [][]string) error {
		_ = purchases.EnsureIndex(ctx, rdb)
		return nil
	},
	// The index's FT.CREATE as the app sends it, under another name and
	// prefix: "create-index-as tutorial:idx tutorial:purchase:".
	"create-index-as": func(ctx context.Context, rdb redis.UniversalClient, rec *recorder, arg string, _ [][]string) error {
		name, prefix, ok := strings.Cut(arg, " ")
		if !ok {
			return fmt.Errorf("create-index-as wants a name and a prefix, got %q", arg)
		}
		_ = purchases.EnsureIndex(ctx, rdb)
		var create []string
		for _, c := range rec.cmds {
			if strings.EqualFold(c[0], "FT.CREATE") {
				create = slices.Clone(c)
			}
		}
		i := slices.Index(create, "PREFIX")
		if create == nil || i < 0 || i+2 >= len(create) {
			return fmt.Errorf("no FT.CREATE ... PREFIX 1 <prefix> among %q", rec.cmds)
		}
		create[1], create[i+2] = name, prefix
		rec.cmds = [][]string{create}
		return nil
	},
	// The document the app stores for each purchase the block writes with
	// JSON.SET <key> $ <document>: the block's document is decoded as the
	// API reads one, and stored again through the save script.
	"document": func(ctx context.Context, rdb redis.UniversalClient, rec *recorder, _ string, cmds [][]string) error {
		var out [][]string
		for _, c := range cmds {
			if len(c) != 4 || !strings.EqualFold(c[0], "JSON.SET") || c[2] != "$" {
				return fmt.Errorf("document wants JSON.SET <key> $ <document>, got %q", c)
			}
			p, err := purchases.DecodeDocument(c[3])
			if err != nil {
				return fmt.Errorf("document %s: %w", c[1], err)
			}
			p.ID = "tutorial"
			rec.cmds = nil
			// The page's purchases keep their dates (2023), older than the
			// default retention, which the Saver would refuse; the document
			// does not depend on the retention.
			_, _ = purchases.NewSaver(rdb, 100*365*24*time.Hour).Save(ctx, p)
			if len(rec.cmds) != 1 {
				return fmt.Errorf("saving %s sent %q, want one EVALSHA", c[1], rec.cmds)
			}
			n, _ := strconv.Atoi(rec.cmds[0][2])
			out = append(out, []string{"JSON.SET", c[1], "$", rec.cmds[0][3+n]})
		}
		rec.cmds = out
		return nil
	},
	"create-series": func(ctx context.Context, rdb redis.UniversalClient, rec *recorder, arg string, _ [][]string) error {
		ms, err := strconv.ParseInt(arg, 10, 64)
		if err != nil {
			return fmt.Errorf("create-series wants the retention in ms: %w", err)
		}
		_ = purchases.EnsureSeries(ctx, rdb, ms)
		return nil
	},
	"create-group": func(ctx context.Context, rdb redis.UniversalClient, rec *recorder, _ string, _ [][]string) error {
		_ = ingest.EnsureGroup(ctx, rdb)
		return nil
	},
	// The pipeline's consumer: one read of new entries, and the reclaim of
	// entries a dead consumer left pending.
	"read-group": func(ctx context.Context, rdb redis.UniversalClient, rec *recorder, _ string, _ [][]string) error {
		_, _ = processor(rdb).ReadOnce(ctx)
		return nil
	},
	"reclaim": func(ctx context.Context, rdb redis.UniversalClient, rec *recorder, _ string, _ [][]string) error {
		_, _ = processor(rdb).Reclaim(ctx)
		return nil
	},
	// The feed publishing the block's own item, as Publisher does: the
	// block's id must be the one the app computes for the item.
	"publish": func(ctx context.Context, rdb redis.UniversalClient, rec *recorder, _ string, cmds [][]string) error {
		if len(cmds) != 1 {
			return fmt.Errorf("publish wants one XADD, got %d commands", len(cmds))
		}
		item, err := xaddItem(cmds[0])
		if err != nil {
			return err
		}
		return ingest.NewPublisher(rdb).Publish(ctx, feed.Sale{UTCDate: item.UTCDate, Items: []feed.Item{item}})
	},
	// The feed's lease, as /feed/status reads it.
	"lease": func(ctx context.Context, rdb redis.UniversalClient, rec *recorder, _ string, _ [][]string) error {
		_, _, _ = ingest.Holder(ctx, rdb)
		return nil
	},
}

func processor(rdb redis.UniversalClient) *ingest.Processor {
	return ingest.NewProcessor(rdb, purchases.NewSaver(rdb, retention), ingest.ProcessorOptions{Consumer: consumerPlaceholder})
}

// rangeService is the analytics of an app whose clock reads an hour past
// the range "FROM TO" (ms) and whose retention reaches back to it.
func rangeService(rdb redis.UniversalClient, arg string) (*analytics.Service, analytics.Range, error) {
	var r analytics.Range
	if _, err := fmt.Sscanf(arg, "%d %d", &r.From, &r.To); err != nil {
		return nil, r, fmt.Errorf("want FROM TO in ms, got %q: %w", arg, err)
	}
	now := time.UnixMilli(r.To).Add(time.Hour)
	return analytics.New(rdb, analytics.Options{Retention: 10 * 365 * 24 * time.Hour, Now: func() time.Time { return now }}), r, nil
}

func bucketQuery(arg string) (purchases.HistoryQuery, error) {
	if arg == "" {
		return purchases.HistoryQuery{}, nil
	}
	ms, err := strconv.ParseInt(arg, 10, 64)
	if err != nil {
		return purchases.HistoryQuery{}, fmt.Errorf("bucket %q: %w", arg, err)
	}
	return purchases.HistoryQuery{BucketMS: ms}, nil
}

// xaddItem reads the feed item an XADD of the stream carries in its item
// field (without its id: the publisher computes that).
func xaddItem(args []string) (feed.Item, error) {
	star := -1
	for i, a := range args {
		if a == "*" {
			star = i
			break
		}
	}
	if star < 0 || (len(args)-star-1)%2 != 0 {
		return feed.Item{}, fmt.Errorf("XADD %v: want ... * field value ...", args)
	}
	fields := map[string]string{}
	for i := star + 1; i+1 < len(args); i += 2 {
		fields[args[i]] = args[i+1]
	}
	var it feed.Item
	if err := json.Unmarshal([]byte(fields["item"]), &it); err != nil {
		return feed.Item{}, fmt.Errorf("XADD item: %w", err)
	}
	return it, nil
}

// captureApp runs the call a marker names and returns the commands issued.
// A marker that ends in "on INDEX" stands for the same commands sent to the
// index INDEX instead of the app's (a page's scratch index).
func captureApp(marker string, cmds [][]string) ([][]string, error) {
	marker, index, onIndex := strings.Cut(marker, " on ")
	name, arg, _ := strings.Cut(marker, " ")
	call, ok := appCalls[name]
	if !ok {
		return nil, fmt.Errorf("unknown app call %q", name)
	}
	rec := &recorder{}
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:0", Protocol: 2, DialTimeout: time.Millisecond})
	defer rdb.Close()
	rdb.AddHook(rec)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := call(ctx, rdb, rec, strings.TrimSpace(arg), cmds); err != nil {
		return nil, err
	}
	if onIndex {
		for _, c := range rec.cmds {
			if len(c) > 1 && c[1] == purchases.IndexAlias {
				c[1] = strings.TrimSpace(index)
			}
		}
	}
	return rec.cmds, nil
}

// sameCommand compares a block's command with the app's: equal arguments,
// a keyword the page writes in capitals matching the app's lower case, JSON
// arguments equal as JSON (the feed item of an XADD as feed items), and a
// time placeholder such as <15 minutes ago> standing for the epoch seconds
// the app computes.
func sameCommand(page, app []string) bool {
	if len(page) != len(app) {
		return false
	}
	page, app = paramsInOrder(page), paramsInOrder(app)
	for i := range page {
		p, a := page[i], app[i]
		switch {
		case p == a:
		case strings.Contains(p, " ago>") && timePlaceholders(p).MatchString(a):
		case strings.EqualFold(p, a) && p == strings.ToUpper(p):
		case i > 0 && page[i-1] == "item" && sameItem(p, a):
		case strings.HasPrefix(p, "{") && sameJSON(p, a):
		default:
			return false
		}
	}
	return true
}

// paramsInOrder returns cmd with the name-value pairs after PARAMS sorted by
// name: go-redis writes them in its map's order, RedisInsight takes any.
func paramsInOrder(cmd []string) []string {
	i := slices.Index(cmd, "PARAMS")
	if i < 0 || i+1 >= len(cmd) {
		return cmd
	}
	n, err := strconv.Atoi(cmd[i+1])
	if err != nil || n%2 != 0 || i+2+n > len(cmd) {
		return cmd
	}
	pairs := make([][2]string, 0, n/2)
	for j := i + 2; j < i+2+n; j += 2 {
		pairs = append(pairs, [2]string{cmd[j], cmd[j+1]})
	}
	slices.SortFunc(pairs, func(a, b [2]string) int { return strings.Compare(a[0], b[0]) })
	out := slices.Clone(cmd)
	for k, p := range pairs {
		out[i+2+2*k], out[i+3+2*k] = p[0], p[1]
	}
	return out
}

func sameItem(a, b string) bool {
	var x, y feed.Item
	if json.Unmarshal([]byte(a), &x) != nil || json.Unmarshal([]byte(b), &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}

func sameJSON(a, b string) bool {
	var x, y any
	if json.Unmarshal([]byte(a), &x) != nil || json.Unmarshal([]byte(b), &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}

var agoPlaceholder = regexp.MustCompile(`<[^<>]* ago>`)

// timePlaceholders turns a page argument with <... ago> placeholders into a
// pattern in which each placeholder matches epoch seconds.
func timePlaceholders(page string) *regexp.Regexp {
	parts := agoPlaceholder.Split(page, -1)
	for i := range parts {
		parts[i] = regexp.QuoteMeta(parts[i])
	}
	return regexp.MustCompile("^" + strings.Join(parts, `[0-9]+(\.[0-9]+)?`) + "$")
}
