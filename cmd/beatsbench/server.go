package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// beatsServer is `bin/beats serve` running as a child process, so the load
// generators never share its process (nor its Go runtime).
type beatsServer struct {
	cmd     *exec.Cmd
	base    string // http://127.0.0.1:port, also the Origin sent
	metrics string // http://127.0.0.1:port of --metrics-addr
	logs    string
	done    chan struct{}
	cookie  string // "beats_session=..." once logged in
}

// startBeats runs `bin serve --addr 127.0.0.1:<free> --metrics-addr
// 127.0.0.1:<free> args...` and waits for /readyz to answer 200; it returns
// the time that took. /metrics is served only on its own address.
func startBeats(ctx context.Context, bin, logPath string, args ...string) (*beatsServer, time.Duration, error) {
	port, err := freePort()
	if err != nil {
		return nil, 0, err
	}
	addr := "127.0.0.1:" + strconv.Itoa(port)
	metricsPort, err := freePort()
	if err != nil {
		return nil, 0, err
	}
	metricsAddr := "127.0.0.1:" + strconv.Itoa(metricsPort)
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, 0, err
	}
	cmd := exec.Command(bin, append([]string{"serve", "--addr", addr, "--metrics-addr", metricsAddr}, args...)...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM, Setpgid: true}
	s := &beatsServer{cmd: cmd, base: "http://" + addr, metrics: "http://" + metricsAddr, logs: logPath, done: make(chan struct{})}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return nil, 0, fmt.Errorf("start %s: %w", bin, err)
	}
	go func() { _ = cmd.Wait(); logFile.Close(); close(s.done) }()
	client := &http.Client{Timeout: time.Second}
	deadline := time.After(90 * time.Second)
	for {
		resp, err := client.Get(s.base + "/readyz")
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s, time.Since(start), nil
			}
		}
		select {
		case <-s.done:
			return nil, 0, fmt.Errorf("beats serve exited before it was ready: %s", tail(logPath))
		case <-deadline:
			s.stop()
			return nil, 0, fmt.Errorf("beats serve not ready after 90 s: %s", tail(logPath))
		case <-ctx.Done():
			s.stop()
			return nil, 0, ctx.Err()
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// startLoggedIn runs `beats serve` against the bench's Redis, with a
// synthetic feed of a checkout a second (the data stays almost what the
// bench loaded), and registers a user whose session later requests carry.
func startLoggedIn(ctx context.Context, bin, logPath string, st *stack) (*beatsServer, error) {
	srv, _, err := startBeats(ctx, bin, logPath, "--redis-url", st.srv.URL(), "--feed", "synthetic:1", "--log-level", "warn")
	if err != nil {
		return nil, err
	}
	if err := srv.register(ctx); err != nil {
		srv.stop()
		return nil, err
	}
	return srv, nil
}

// stop sends SIGTERM (the server stops its embedded Redis too) and waits.
func (s *beatsServer) stop() {
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(20 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
	}
}

func (s *beatsServer) pid() int { return s.cmd.Process.Pid }

// rssKB is the server's resident memory (VmRSS).
func (s *beatsServer) rssKB() int64 {
	return procField(fmt.Sprintf("/proc/%d/status", s.pid()), "VmRSS")
}

// cpu is the CPU time the process has used (user + system).
func cpuTime(pid int) time.Duration {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	f := strings.Fields(string(data[bytes.LastIndexByte(data, ')')+2:]))
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.ParseInt(f[11], 10, 64)
	k, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(u+k) * 10 * time.Millisecond // USER_HZ is 100
}

// register creates a user and keeps the session cookie for later requests.
func (s *beatsServer) register(ctx context.Context) error {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	body := fmt.Sprintf(`{"username":"bench-%s","password":"bench-password-%s"}`, hex.EncodeToString(b), hex.EncodeToString(b))
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.base+"/account/register", strings.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Origin", s.base)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("register: %w", err)
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 1024))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("register: %s: %s", resp.Status, msg)
	}
	for _, c := range resp.Cookies() {
		if c.Name == "beats_session" {
			s.cookie = c.Name + "=" + c.Value
			return nil
		}
	}
	return fmt.Errorf("register: no beats_session cookie in the answer (%s)", resp.Status)
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// tail is the end of a log file, for error messages.
func tail(path string) string {
	data, _ := os.ReadFile(path)
	if len(data) > 1500 {
		data = data[len(data)-1500:]
	}
	return strings.TrimSpace(string(data))
}

// metric reads one unlabelled counter or gauge from the server's /metrics;
// -1 when it is missing.
func (s *beatsServer) metric(ctx context.Context, name string) float64 {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.metrics+"/metrics", nil)
	if err != nil {
		return -1
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return -1
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), name+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err == nil {
				return f
			}
		}
	}
	return -1
}
