// Package redisstack runs and connects to Redis Stack: the embedded child
// process used when no REDIS_URL is given, and the checks that a real
// deployment carries the modules the app needs.
package redisstack

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"
)

// Options describe an embedded Redis Stack server.
type Options struct {
	Home       string    // install folder holding bin/ and lib/ (see Locate)
	DataDir    string    // working folder for AOF and RDB files
	Port       int       // 0 picks a free loopback port
	Persistent bool      // AOF on, so a restart keeps the data
	Log        io.Writer // the server's own log; nil discards it
	Modules    []string  // module files under lib/; nil loads DefaultModules
}

// Server is a redis-server child process with the Stack modules loaded.
type Server struct {
	cmd  *exec.Cmd
	addr string
	done chan struct{}
	err  error
}

// DefaultModules are loaded in this order; RedisGears is left out on purpose.
var DefaultModules = []string{"redisearch.so", "rejson.so", "redistimeseries.so", "redisbloom.so"}

// Start launches redis-server and waits until it answers PING.
func Start(ctx context.Context, opt Options) (*Server, error) {
	if opt.Home == "" {
		home, err := Locate()
		if err != nil {
			return nil, err
		}
		opt.Home = home
	}
	if err := os.MkdirAll(opt.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("redisstack: data dir: %w", err)
	}
	port := opt.Port
	if port == 0 {
		p, err := freePort()
		if err != nil {
			return nil, err
		}
		port = p
	}
	args := []string{
		"--port", strconv.Itoa(port), "--bind", "127.0.0.1",
		"--dir", opt.DataDir, "--daemonize", "no", "--protected-mode", "yes",
	}
	if opt.Persistent {
		args = append(args, "--appendonly", "yes", "--appendfsync", "everysec")
	} else {
		args = append(args, "--appendonly", "no", "--save", "")
	}
	mods := opt.Modules
	if mods == nil {
		mods = DefaultModules
	}
	for _, m := range mods {
		args = append(args, "--loadmodule", filepath.Join(opt.Home, "lib", m))
	}
	cmd := exec.Command(filepath.Join(opt.Home, "bin", "redis-server"), args...)
	cmd.Stdout, cmd.Stderr = opt.Log, opt.Log
	if opt.Log == nil {
		cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	}
	// The server must not outlive us, even when we are killed.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM, Setpgid: true}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("redisstack: start %s: %w", cmd.Path, err)
	}
	s := &Server{cmd: cmd, addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), done: make(chan struct{})}
	go func() { s.err = cmd.Wait(); close(s.done) }()
	if err := s.waitReady(ctx); err != nil {
		s.Stop()
		return nil, err
	}
	return s, nil
}

func (s *Server) waitReady(ctx context.Context) error {
	rdb := redis.NewClient(&redis.Options{Addr: s.addr, MaxRetries: -1, DialTimeout: 200 * time.Millisecond})
	defer rdb.Close()
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		if err := rdb.Ping(ctx).Err(); err == nil {
			return nil
		}
		select {
		case <-s.done:
			return fmt.Errorf("redisstack: redis-server exited at start: %v (is the data dir's AOF damaged, or a module missing?)", s.err)
		case <-ctx.Done():
			return fmt.Errorf("redisstack: redis-server on %s did not answer: %w", s.addr, ctx.Err())
		case <-tick.C:
		}
	}
}

// Addr is host:port of the server.
func (s *Server) Addr() string { return s.addr }

// URL is the redis:// URL of the server.
func (s *Server) URL() string { return "redis://" + s.addr }

// Stop asks the server to shut down (it flushes its AOF) and waits for it.
func (s *Server) Stop() error {
	select {
	case <-s.done:
		return nil
	default:
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(10 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
	}
	var exit *exec.ExitError
	if s.err != nil && !errors.As(s.err, &exit) {
		return fmt.Errorf("redisstack: stop: %w", s.err)
	}
	return nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("redisstack: free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
