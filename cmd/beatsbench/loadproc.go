package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"time"
)

// loadProc is a running `beatsbench fanout-client`: the sockets live in a
// process of their own, so the server's CPU and memory are its own.
type loadProc struct {
	cmd       *exec.Cmd
	stdin     io.WriteCloser
	out       *bufio.Reader
	Connected int
	Failed    int
}

// startLoad opens clients sockets to addr and returns once they are open.
func startLoad(ctx context.Context, addr, origin, cookie string, clients, maxSeq int) (*loadProc, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("fanout-client: %w", err)
	}
	cmd := exec.CommandContext(ctx, self, "fanout-client", "--addr", addr, "--origin", origin, "--cookie", cookie,
		"--clients", fmt.Sprint(clients), "--max-seq", fmt.Sprint(maxSeq))
	cmd.Stderr = os.Stderr
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("fanout-client: %w", err)
	}
	p := &loadProc{cmd: cmd, stdin: stdin, out: bufio.NewReader(stdout)}
	line, err := p.out.ReadString('\n')
	if err != nil {
		p.kill()
		return nil, fmt.Errorf("fanout-client: %w", err)
	}
	if _, err := fmt.Sscanf(line, "ready %d %d", &p.Connected, &p.Failed); err != nil {
		p.kill()
		return nil, fmt.Errorf("fanout-client: %q is not \"ready <connected> <failed>\": %w", line, err)
	}
	return p, nil
}

func (p *loadProc) pid() int { return p.cmd.Process.Pid }

// drain waits until the open clients have every purchase sent, or until
// nothing more arrives for 5 seconds (at most 2 minutes), so that late
// purchases count as late, not as lost.
func (p *loadProc) drain(sent int) time.Duration {
	start, last, lastPending := time.Now(), time.Now(), int64(-1)
	for time.Since(start) < 2*time.Minute && time.Since(last) < 5*time.Second {
		fmt.Fprintf(p.stdin, "status %d\n", sent)
		line, err := p.out.ReadString('\n')
		if err != nil {
			break
		}
		var pending int64
		fmt.Sscanf(line, "pending %d", &pending)
		if pending <= 0 {
			break
		}
		if pending != lastPending {
			last, lastPending = time.Now(), pending
		}
		time.Sleep(100 * time.Millisecond)
	}
	return time.Since(start)
}

// stop ends the clients and returns their tally.
func (p *loadProc) stop(sent int) (clientResult, error) {
	var res clientResult
	fmt.Fprintf(p.stdin, "stop %d\n", sent)
	if err := json.NewDecoder(p.out).Decode(&res); err != nil {
		p.kill()
		return res, fmt.Errorf("fanout-client result: %w", err)
	}
	_ = p.cmd.Wait()
	return res, nil
}

func (p *loadProc) kill() {
	_ = p.cmd.Process.Kill()
	_ = p.cmd.Wait()
}
