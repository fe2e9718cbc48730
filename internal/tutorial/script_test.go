package tutorial_test

import (
	"fmt"
	"math"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/beatsbyredis/beats/internal/feed"
	"github.com/beatsbyredis/beats/internal/purchases"
	"github.com/beatsbyredis/beats/internal/redistest"
)

// TestScriptListings holds each listing marked <!-- script: save.lua -->
// (or <!-- script: save.lua COMMAND ... -->, the script's commands of those
// names only; +PREFIX keeps only the commands whose first key starts with
// PREFIX, -PREFIX leaves those out) to the commands the save script sends,
// arguments and all.
// They are recorded by running the app's own save.lua on a real Redis
// Stack, with redis.call and redis.pcall wrapped to note each call: once
// for a new purchase, once more for the same purchase. The listing is the
// first run's EXISTS, the second run's early return, then the rest of the
// first run. Placeholders stand for the purchase's values (scriptValues).
func TestScriptListings(t *testing.T) {
	_, pages := loadTutorial(t)
	listings := markedBlocks(t, pages, "script:", "no listing of the save script")
	rdb := redistest.New(t)
	script, values := recordSaveScript(t, rdb)
	for _, m := range listings {
		b := m.block
		file, filter, _ := strings.Cut(m.value, " ")
		if file != "save.lua" {
			t.Errorf("%s: script %q: only save.lua is recorded", b.Where(), file)
			continue
		}
		var want [][]string
		for _, c := range script {
			if listed(c, strings.Fields(filter)) {
				want = append(want, c)
			}
		}
		cmds, err := blockArgs(b)
		if err != nil {
			t.Errorf("%s: %v", b.Where(), err)
			continue
		}
		if len(cmds) != len(want) {
			t.Errorf("%s: the listing has %d commands, save.lua sends %d:\nscript:  %q\nlisting: %q", b.Where(), len(cmds), len(want), want, cmds)
			continue
		}
		for i := range want {
			if err := sameScriptCommand(cmds[i], want[i], values); err != nil {
				t.Errorf("%s: command %d: %v:\nscript:  %q\nlisting: %q", b.Where(), i+1, err, want[i], cmds[i])
			}
		}
	}
}

// listed reports whether a listing with the marker's filter holds the
// command c: command names, +PREFIX and -PREFIX of its first key.
func listed(c []string, filter []string) bool {
	var names, only, not []string
	for _, f := range filter {
		switch {
		case strings.HasPrefix(f, "+"):
			only = append(only, f[1:])
		case strings.HasPrefix(f, "-"):
			not = append(not, f[1:])
		default:
			names = append(names, f)
		}
	}
	key := ""
	if len(c) > 1 {
		key = c[1]
	}
	hasPrefix := func(prefixes []string) bool {
		return slices.ContainsFunc(prefixes, func(p string) bool { return strings.HasPrefix(key, p) })
	}
	named := slices.ContainsFunc(names, func(n string) bool { return strings.EqualFold(n, c[0]) })
	return (len(names) == 0 || named) && (len(only) == 0 || hasPrefix(only)) && !hasPrefix(not)
}

// recorderLua wraps a script so that it answers with the commands it sent.
const recorderLua = `local calls = {}
local function recording(f)
  return function(...)
    local args = {...}
    for i = 1, #args do args[i] = tostring(args[i]) end
    calls[#calls + 1] = args
    return f(...)
  end
end
local redis = setmetatable({call = recording(redis.call), pcall = recording(redis.pcall)}, {__index = redis})
local function script()
%s
end
script()
return calls
`

// recordSaveScript saves one purchase twice through save.lua, as the
// consumer does (same KEYS and ARGV), and returns the listing's commands
// and the value each placeholder stands for.
func recordSaveScript(t *testing.T, rdb *redis.Client) ([][]string, map[string]string) {
	t.Helper()
	ctx := t.Context()
	src, err := os.ReadFile("../purchases/save.lua")
	if err != nil {
		t.Fatal(err)
	}
	body := string(src)
	if strings.HasPrefix(body, "#!") { // a shebang must be a script's first line
		_, body, _ = strings.Cut(body, "\n")
	}
	now := float64(time.Now().UnixMicro()) / 1e6
	item := feed.Item{
		UTCDate: now, ArtistName: "Gore", ItemType: "p", ItemDescription: "Limited Edition Cassette",
		Currency: "USD", AmountPaid: 12, ItemPrice: 12, AmountPaidUSD: 12.5, Country: "United States",
		CountryCode: "us", URL: "//celadonplaza.bandcamp.com/album/--12", AmountPaidFmt: "$12.50",
	}
	p := purchases.Normalize(item)
	const entryID = "1700000000000-0"
	keys, argv := saveScriptArgs(t, p, entryID)
	lua := fmt.Sprintf(recorderLua, body)
	var runs [2][][]string
	for i := range runs {
		reply, err := rdb.Eval(ctx, lua, keys, argv...).Slice()
		if err != nil {
			t.Fatalf("save.lua, run %d: %v", i+1, err)
		}
		for _, c := range reply {
			var cmd []string
			for _, a := range c.([]any) {
				cmd = append(cmd, fmt.Sprint(a))
			}
			runs[i] = append(runs[i], cmd)
		}
	}
	if len(runs[0]) < 2 || len(runs[1]) < 1 {
		t.Fatalf("save.lua sent %q, then %q", runs[0], runs[1])
	}
	listing := append([][]string{runs[0][0]}, runs[1][1:]...)
	listing = append(listing, runs[0][1:]...)
	values := map[string]string{
		"id":              p.ID,
		"entry-id":        entryID,
		"document":        argv[0].(string),
		"artist_name":     p.ArtistName,
		"amount_paid_usd": strconv.FormatFloat(p.AmountPaidUSD, 'f', -1, 64),
		"minute":          strconv.FormatInt(int64(math.Floor(p.UTCDateRaw/60))*60_000, 10),
		"hour":            strconv.FormatInt(purchases.BucketStart(p.UTCDateRaw, purchases.HourMS), 10),
		"cents":           "1250",
		"item_type":       p.ItemType,
		"currency":        p.Currency,
		"country_code":    p.CountryCode,
		"country":         p.Country,
	}
	return listing, values
}

// saveScriptArgs records the KEYS and ARGV the consumer sends save.lua for
// p, read from entryID.
func saveScriptArgs(t *testing.T, p purchases.Purchase, entryID string) ([]string, []any) {
	t.Helper()
	rec := &recorder{}
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:0", Protocol: 2, DialTimeout: time.Millisecond})
	defer rdb.Close()
	rdb.AddHook(rec)
	pipe := rdb.Pipeline()
	if _, errs, err := purchases.NewSaver(rdb, retention).QueueBatch(t.Context(), pipe, []purchases.Purchase{p}, purchases.ConsumerGroup, []string{entryID}); err != nil || errs[0] != nil {
		t.Fatal(err, errs[0])
	}
	_, _ = pipe.Exec(t.Context())
	if len(rec.cmds) != 1 || !strings.EqualFold(rec.cmds[0][0], "evalsha") {
		t.Fatalf("the consumer sent %q, want one EVALSHA", rec.cmds)
	}
	args := rec.cmds[0]
	n, err := strconv.Atoi(args[2])
	if err != nil {
		t.Fatalf("EVALSHA %q: %v", args, err)
	}
	var argv []any
	for _, a := range args[3+n:] {
		argv = append(argv, a)
	}
	return args[3 : 3+n], argv
}

var listingPlaceholderRE = regexp.MustCompile(`<[a-z_-]+>`)

// sameScriptCommand compares a listing's command with one the script sent;
// a placeholder in the listing stands for its value in values.
func sameScriptCommand(listing, sent []string, values map[string]string) error {
	if len(listing) != len(sent) {
		return fmt.Errorf("%d arguments, the script sends %d", len(listing), len(sent))
	}
	for i := range listing {
		var unknown []string
		pattern := listingPlaceholderRE.ReplaceAllStringFunc(regexp.QuoteMeta(listing[i]), func(ph string) string {
			v, ok := values[ph[1:len(ph)-1]]
			if !ok {
				unknown = append(unknown, ph)
			}
			return regexp.QuoteMeta(v)
		})
		if len(unknown) > 0 {
			return fmt.Errorf("unknown placeholders %v (known: %v)", unknown, keysOf(values))
		}
		same := regexp.MustCompile("^" + pattern + "$").MatchString(sent[i])
		if i == 0 {
			same = strings.EqualFold(listing[i], sent[i])
		}
		if !same {
			return fmt.Errorf("argument %d: %q, the script sends %q", i+1, listing[i], sent[i])
		}
	}
	return nil
}

func keysOf(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, "<"+k+">")
	}
	return out
}
