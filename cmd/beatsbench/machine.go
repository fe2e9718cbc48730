package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
)

// machine describes where the run happened: cores, CPU model and memory.
func machine() string {
	model := "unknown CPU"
	if f, err := os.Open("/proc/cpuinfo"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
				model = strings.TrimSpace(v)
				break
			}
		}
		f.Close()
	}
	mem := ""
	if kb := procField("/proc/meminfo", "MemTotal"); kb > 0 {
		mem = fmt.Sprintf(", %.0f GiB", float64(kb)/(1<<20))
	}
	return fmt.Sprintf("%d× %s%s, %s", runtime.NumCPU(), model, mem, runtime.Version())
}

// commit is the short HEAD, marked +dirty when the tree has changes (the
// binary under test is built from the working tree).
func commit() string {
	out, err := exec.Command("git", "rev-parse", "--short", "HEAD").Output()
	if err != nil {
		return "unknown"
	}
	c := strings.TrimSpace(string(out))
	if st, err := exec.Command("git", "status", "--porcelain", "--untracked-files=no").Output(); err == nil && len(strings.TrimSpace(string(st))) > 0 {
		c += "+dirty"
	}
	return c
}

// procField reads a "Key: 123 kB" line of a /proc file; 0 when absent.
func procField(path, key string) int64 {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && k == key {
			var n int64
			fmt.Sscan(strings.TrimSpace(v), &n)
			return n
		}
	}
	return 0
}

// loadavg is the 1-minute load average: other work on this shared machine
// (tests, builds) competes with the bench for its cores.
func loadavg() float64 {
	data, _ := os.ReadFile("/proc/loadavg")
	var l float64
	fmt.Sscan(string(data), &l)
	return l
}
