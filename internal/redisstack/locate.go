package redisstack

import (
	"errors"
	"os"
	"path/filepath"
)

// ErrNotInstalled means no Redis Stack install was found; scripts/install-redis-stack.sh makes one.
var ErrNotInstalled = errors.New("redisstack: Redis Stack is not installed (run scripts/install-redis-stack.sh, or give REDIS_URL)")

// Locate finds the Redis Stack install: $BEATS_REDIS_STACK_DIR, else a
// .redis-stack folder in the working directory or one of its parents, else
// one beside or above the executable.
func Locate() (string, error) {
	if dir := os.Getenv("BEATS_REDIS_STACK_DIR"); dir != "" {
		if installed(dir) {
			return dir, nil
		}
		return "", ErrNotInstalled
	}
	var starts []string
	if wd, err := os.Getwd(); err == nil {
		starts = append(starts, wd)
	}
	if exe, err := os.Executable(); err == nil {
		starts = append(starts, filepath.Dir(exe))
	}
	for _, dir := range starts {
		for {
			if candidate := filepath.Join(dir, ".redis-stack"); installed(candidate) {
				return candidate, nil
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				break
			}
			dir = parent
		}
	}
	return "", ErrNotInstalled
}

func installed(dir string) bool {
	info, err := os.Stat(filepath.Join(dir, "bin", "redis-server"))
	return err == nil && info.Mode()&0o111 != 0
}
