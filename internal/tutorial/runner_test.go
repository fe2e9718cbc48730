package tutorial_test

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/beatsbyredis/beats/internal/tutorial"
)

// placeholders are the values a reader copies from an earlier answer on the
// same page. Each finds its value in a string the reader was shown, and
// returns it, or false.
var placeholders = map[string]func(shown string) (string, bool){
	// a purchase id, shown as a key (purchase:<id>) or a field value
	"id": match(`^(?:purchase:)?([0-9]+-[0-9a-f]{10})$`),
	// a stream entry id (0-0, a cursor, is not one)
	"entry-id": match(`^([1-9][0-9]*-[0-9]+)$`),
	// a ULID, as GET username:<name> answers
	"user-id": match(`^([0-9A-HJKMNP-TV-Z]{26})$`),
	// what follows session: in a key (the cookie's SHA-256, in base64url)
	"session-id": match(`^session:([A-Za-z0-9_-]{43})$`),
	// a ULID in a JSON.GET answer such as ["01J..."]
	"account-id": match(`^\["([0-9A-HJKMNP-TV-Z]{26})"\]$`),
	// a sorted-set member: any text that is not a score
	"artist": func(s string) (string, bool) {
		_, err := strconv.ParseFloat(s, 64)
		return s, err != nil && s != ""
	},
}

func match(pattern string) func(string) (string, bool) {
	re := regexp.MustCompile(pattern)
	return func(s string) (string, bool) {
		m := re.FindStringSubmatch(s)
		if m == nil {
			return "", false
		}
		return m[1], true
	}
}

var placeholderRE = regexp.MustCompile(`<([a-z][a-z-]*)>`)

// scratchPrefix starts the keys and indexes pages may write.
const scratchPrefix = "tutorial:"

// runner runs one page's blocks, in order, as its reader would.
type runner struct {
	reader *reader
	writes map[string]bool // command name → it writes, by COMMAND INFO
	shown  [][]string      // the strings each command answered, in order
}

func newRunner(r *reader) *runner { return &runner{reader: r, writes: map[string]bool{}} }

// runPage does the steps and runs the commands of every block the reader
// runs: the redis blocks (Run buttons) and the blocks typed into the CLI.
func (r *runner) runPage(t *testing.T, p page) {
	t.Helper()
	for _, b := range p.blocks {
		for _, m := range b.Markers {
			if name, ok := strings.CutPrefix(m, "step: "); ok {
				steps[name](t, r.reader)
			}
		}
		if _, cli := b.Marker("cli"); b.Runnable() || cli {
			r.runBlock(t, b)
		}
	}
}

func (r *runner) runBlock(t *testing.T, b tutorial.Block) {
	t.Helper()
	ctx := t.Context()
	_, wantData := b.Marker("returns data")
	lines, err := tutorial.Commands(b.Text)
	if err != nil {
		t.Errorf("%s: %v", b.Where(), err)
		return
	}
	for _, line := range lines {
		line, err := r.substitute(line)
		if err != nil {
			t.Errorf("%s: %v", b.Where(), err)
			continue
		}
		args, err := tutorial.SplitArgs(line)
		if err != nil {
			t.Errorf("%s: %q: %v", b.Where(), line, err)
			continue
		}
		if err := r.checkWrite(ctx, args); err != nil {
			t.Errorf("%s: %q: %v", b.Where(), line, err)
			continue
		}
		reply, err := r.do(ctx, args)
		if err != nil {
			t.Errorf("%s: %q: %v", b.Where(), line, err)
			continue
		}
		if wantData && !tutorial.HasData(args[0], reply) {
			t.Errorf("%s: %q answered %v, but the block promises data", b.Where(), line, reply)
		}
		r.shown = append(r.shown, tutorial.ReplyStrings(reply))
	}
}

// do sends one command. A SCAN from cursor 0 goes on, as the pages tell the
// reader, with the cursor each page answers until a page shows keys or the
// cursor is back at 0.
func (r *runner) do(ctx context.Context, args []string) (any, error) {
	for {
		reply, err := r.reader.rdb.Do(ctx, anys(args)...).Result()
		if errors.Is(err, redis.Nil) {
			return nil, nil
		}
		page, _ := reply.([]any)
		if err != nil || !strings.EqualFold(args[0], "SCAN") || len(page) != 2 {
			return reply, err
		}
		cursor, _ := page[0].(string)
		if keys, _ := page[1].([]any); len(keys) > 0 || cursor == "0" {
			return reply, nil
		}
		args = slices.Clone(args)
		args[1] = cursor
	}
}

// substitute replaces each placeholder of a command line with what the
// reader would copy: the first value of its kind in the latest answer on
// the page that showed one. It quotes a value as the reader must, when it
// holds spaces or quotes.
func (r *runner) substitute(line string) (string, error) {
	var errs error
	out := placeholderRE.ReplaceAllStringFunc(line, func(ph string) string {
		name := ph[1 : len(ph)-1]
		find, ok := placeholders[name]
		if !ok {
			errs = errors.Join(errs, fmt.Errorf("unknown placeholder %s", ph))
			return ph
		}
		for i := len(r.shown) - 1; i >= 0; i-- {
			for _, s := range r.shown[i] {
				if v, ok := find(s); ok {
					return quoteArg(v)
				}
			}
		}
		errs = errors.Join(errs, fmt.Errorf("%s: no earlier command on the page showed a value for it", ph))
		return ph
	})
	return out, errs
}

// quoteArg writes v as one argument: bare when it can be, else in single
// quotes (which RedisInsight sends as they are), else in double quotes.
func quoteArg(v string) string {
	switch {
	case v != "" && !strings.ContainsAny(v, " \t\"'\\"):
		return v
	case !strings.Contains(v, "'"):
		return "'" + v + "'"
	}
	return tutorial.Quote(v)
}

// checkWrite refuses a command that writes anything but scratch keys and
// indexes (tutorial:*). Redis itself says which commands write and which
// keys they touch (COMMAND INFO, COMMAND GETKEYS); the Query Engine's
// commands name their index first.
func (r *runner) checkWrite(ctx context.Context, args []string) error {
	rdb := r.reader.rdb
	name := strings.ToUpper(args[0])
	writes, ok := r.writes[name]
	if !ok {
		info, err := rdb.Do(ctx, "COMMAND", "INFO", name).Slice()
		if err != nil || len(info) != 1 {
			return fmt.Errorf("COMMAND INFO %s: %v %v", name, info, err)
		}
		fields, _ := info[0].([]any)
		if len(fields) < 3 {
			return fmt.Errorf("COMMAND INFO %s: unknown command", name)
		}
		flags, _ := fields[2].([]any)
		writes = slices.Contains(flags, any("write"))
		r.writes[name] = writes
	}
	if !writes {
		return nil
	}
	var keys []string
	if strings.HasPrefix(name, "FT.") && len(args) > 1 {
		keys = []string{args[1]}
	} else {
		var err error
		keys, err = rdb.CommandGetKeys(ctx, anys(args)...).Result()
		if err != nil && !strings.Contains(err.Error(), "no key arguments") {
			return fmt.Errorf("COMMAND GETKEYS: %w", err)
		}
	}
	for _, k := range keys {
		if !strings.HasPrefix(k, scratchPrefix) {
			return fmt.Errorf("writes %v: pages may write only keys that start with %q", keys, scratchPrefix)
		}
	}
	if len(keys) == 0 {
		return fmt.Errorf("writes, but names no key: pages may write only keys that start with %q", scratchPrefix)
	}
	return nil
}

func anys(args []string) []any {
	out := make([]any, len(args))
	for i, a := range args {
		out[i] = a
	}
	return out
}
