package accounts

import (
	"context"
	"errors"
	"regexp"
	"runtime"
	"strings"
	"testing"
)

func TestHashAndVerify(t *testing.T) {
	ctx := context.Background()
	h, err := newHasher(testParams, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	phc, err := h.hash(ctx, "correct horse")
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^\$argon2id\$v=19\$m=64,t=1,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`).MatchString(phc) {
		t.Fatalf("hash = %q; want a PHC argon2id string", phc)
	}
	if again, _ := h.hash(ctx, "correct horse"); again == phc {
		t.Fatal("two hashes of one password are equal: salt not random")
	}
	tests := []struct {
		password string
		ok       bool
	}{
		{"correct horse", true},
		{"correct horsf", false},
		{"Correct horse", false},
		{"", false},
	}
	for _, tt := range tests {
		ok, weak, err := h.verify(ctx, phc, tt.password)
		if err != nil || ok != tt.ok || weak {
			t.Errorf("verify(%q) = %v, %v, %v; want %v, false, nil", tt.password, ok, weak, err, tt.ok)
		}
	}
}

func TestVerifyFlagsWeakHashes(t *testing.T) {
	ctx := context.Background()
	weak, _ := newHasher(testParams, 1, 1)
	strong, _ := newHasher(Params{MemoryKiB: 128, Passes: 2, Lanes: 1}, 1, 1)
	phc, _ := weak.hash(ctx, "correct horse")
	ok, isWeak, err := strong.verify(ctx, phc, "correct horse")
	if err != nil || !ok || !isWeak {
		t.Fatalf("strong.verify(weak hash) = %v, %v, %v; want true, true, nil", ok, isWeak, err)
	}
}

func TestVerifyRejectsMalformedHashes(t *testing.T) {
	ctx := context.Background()
	h, _ := newHasher(testParams, 1, 1)
	good, _ := h.hash(ctx, "correct horse")
	parts := strings.Split(good, "$")
	with := func(i int, v string) string {
		p := append([]string(nil), parts...)
		p[i] = v
		return strings.Join(p, "$")
	}
	for _, bad := range []string{
		"",
		"plaintext",
		with(1, "argon2i"),
		with(2, "v=16"),
		with(3, "m=4294967295,t=1,p=1"), // would allocate 4 TiB
		with(3, "m=1048576,t=2,p=1"),    // 1 GiB a login
		with(3, "m=19456,t=1000,p=1"),   // seconds of CPU a login
		with(3, "m=19456,t=2,p=255"),    // 255 threads
		with(3, "m=64,t=0,p=1"),
		with(3, "m=64,t=1,p=0"),
		with(3, "m=64;t=1;p=1"),
		with(4, "!!"),
		with(5, "c2hvcnQ"), // 5-byte key
	} {
		if _, _, err := h.verify(ctx, bad, "correct horse"); !errors.Is(err, errBadHash) {
			t.Errorf("verify(%q) err = %v; want errBadHash", bad, err)
		}
	}
}

func TestHasherRefusesWhenQueueIsFull(t *testing.T) {
	ctx := context.Background()
	h, _ := newHasher(testParams, 1, 1) // one running, one waiting
	release, err := h.acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// The second caller waits for the slot; cancel its wait to prove it
	// queued rather than ran.
	waitCtx, cancel := context.WithCancel(ctx)
	waited := make(chan error)
	go func() {
		_, err := h.acquire(waitCtx)
		waited <- err
	}()
	for len(h.admitted) < 2 { // until the second has queued
		runtime.Gosched()
	}
	// The third finds the queue full.
	if _, err := h.hash(ctx, "correct horse"); !errors.Is(err, ErrBusy) {
		t.Fatalf("hash with a full queue: %v; want ErrBusy", err)
	}
	cancel()
	if err := <-waited; !errors.Is(err, context.Canceled) {
		t.Fatalf("queued acquire after cancel: %v; want context.Canceled", err)
	}
	release()
	if _, err := h.hash(ctx, "correct horse"); err != nil {
		t.Fatalf("hash after release: %v", err)
	}
}
