package main

import (
	"context"
	"errors"
	"strings"
	"sync"

	"github.com/redis/go-redis/v9"
)

// errCaptured stops a captured command before it is sent anywhere.
var errCaptured = errors.New("captured, not sent")

// capture is a go-redis client that records the commands the app's own code
// issues (Publisher.Publish, Saver.Queue, Reader.Search) instead of sending
// them, so the Redis-bound limit and the raw FT.SEARCH replay exactly the
// commands the app sends, with no application logic left in the loop.
type capture struct {
	*redis.Client
	pass bool // a recorder: commands are recorded and sent on
	mu   sync.Mutex
	cmds [][]any
}

func newCapture() *capture {
	c := &capture{Client: redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", Protocol: 2, MaxRetries: -1})}
	c.AddHook(c)
	return c
}

// newRecorder records the commands of a client of the real server, so
// that code issuing several commands (a search that widens its window) is
// recorded whole and can be replayed as raw commands.
func newRecorder(opt *redis.Options) *capture {
	c := &capture{Client: redis.NewClient(opt), pass: true}
	c.AddHook(c)
	return c
}

// take returns the recorded commands and forgets them.
func (c *capture) take() [][]any {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.cmds
	c.cmds = nil
	return out
}

func (c *capture) record(cmds ...redis.Cmder) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, cmd := range cmds {
		switch strings.ToLower(cmd.Name()) {
		case "hello", "client", "auth", "select", "ping":
			continue // a new connection's setup, not the code's own
		}
		c.cmds = append(c.cmds, cmd.Args())
	}
}

func (c *capture) DialHook(next redis.DialHook) redis.DialHook { return next }

func (c *capture) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		c.record(cmd)
		if c.pass {
			return next(ctx, cmd)
		}
		cmd.SetErr(errCaptured)
		return errCaptured
	}
}

func (c *capture) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		c.record(cmds...)
		if c.pass {
			return next(ctx, cmds)
		}
		return nil
	}
}
