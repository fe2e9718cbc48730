package tutorial_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/beatsbyredis/beats/internal/tutorial"
)

// runner runs blocks against the filled Redis.
type runner struct {
	rdb    *redis.Client
	values map[string]string
	writes map[string]bool // command name → it writes, by COMMAND INFO
}

func (r runner) runBlock(t *testing.T, b tutorial.Block, shown []string) []string {
	t.Helper()
	ctx := t.Context()
	params, _ := tutorial.ParseParams(b.Params)
	_, wantData := b.Marker("returns data")
	lines, err := tutorial.Commands(b.Text)
	if err != nil {
		t.Errorf("%s: %v", b.Where(), err)
		return shown
	}
	for _, line := range lines {
		line, err := r.substitute(line, shown)
		if err != nil {
			t.Errorf("%s: %v", b.Where(), err)
			continue
		}
		args, err := tutorial.SplitArgs(line)
		if err != nil {
			t.Errorf("%s: %q: %v", b.Where(), line, err)
			continue
		}
		if err := r.checkWrite(ctx, args, params["run_confirmation"] == "true"); err != nil {
			t.Errorf("%s: %q: %v", b.Where(), line, err)
			continue
		}
		reply, err := r.rdb.Do(ctx, anys(args)...).Result()
		if errors.Is(err, redis.Nil) {
			reply, err = nil, nil
		}
		if err != nil {
			t.Errorf("%s: %q: %v", b.Where(), line, err)
			continue
		}
		if wantData && !tutorial.HasData(args[0], reply) {
			t.Errorf("%s: %q answered %v, but the block promises data", b.Where(), line, reply)
		}
		shown = append(shown, tutorial.ReplyStrings(reply)...)
	}
	return shown
}

// substitute replaces the placeholders of a command line with fill's values;
// each value must have been shown by an earlier command of the page, since
// that is where the reader copies it from.
func (r runner) substitute(line string, shown []string) (string, error) {
	var err error
	out := placeholderRE.ReplaceAllStringFunc(line, func(ph string) string {
		name := ph[1 : len(ph)-1]
		v, ok := r.values[name]
		if !ok {
			err = errors.Join(err, fmt.Errorf("no value for %s", ph))
			return ph
		}
		if !slices.ContainsFunc(shown, func(s string) bool { return strings.Contains(s, v) }) {
			err = errors.Join(err, fmt.Errorf("%s: its value %q was not shown by an earlier command on the page", ph, v))
		}
		return v
	})
	return out, err
}

// checkWrite refuses a command that writes to keys other than scratch ones,
// unless it is one of the app's own writes in a block that asks the reader
// to confirm. Redis itself says which commands write and which keys they
// touch (COMMAND INFO, COMMAND GETKEYS).
func (r runner) checkWrite(ctx context.Context, args []string, confirmed bool) error {
	name := strings.ToUpper(args[0])
	writes, ok := r.writes[name]
	if !ok {
		info, err := r.rdb.Do(ctx, "COMMAND", "INFO", name).Slice()
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
	keys, err := r.rdb.CommandGetKeys(ctx, anys(args)...).Result()
	if err != nil && !strings.Contains(err.Error(), "no key arguments") {
		return fmt.Errorf("COMMAND GETKEYS: %w", err)
	}
	scratch := len(keys) > 0
	for _, k := range keys {
		scratch = scratch && strings.HasPrefix(k, scratchPrefix)
	}
	switch {
	case scratch:
		return nil
	case confirmed && slices.Contains(confirmedWrites, name):
		return nil
	case slices.Contains(confirmedWrites, name):
		return fmt.Errorf("writes the app's keys %v: ask the reader first (redis:[run_confirmation=true])", keys)
	}
	return fmt.Errorf("writes %v: pages may write only keys that start with %q", keys, scratchPrefix)
}

func anys(args []string) []any {
	out := make([]any, len(args))
	for i, a := range args {
		out[i] = a
	}
	return out
}
