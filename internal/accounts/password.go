package accounts

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Params are argon2id costs.
type Params struct {
	MemoryKiB uint32
	Passes    uint32
	Lanes     uint8
}

// OWASPParams is OWASP's recommended minimum for argon2id: 19 MiB, two
// passes, one lane. It is the default.
func OWASPParams() Params { return Params{MemoryKiB: 19 * 1024, Passes: 2, Lanes: 1} }

func (p Params) weakerThan(q Params) bool {
	return p.MemoryKiB < q.MemoryKiB || p.Passes < q.Passes
}

const (
	saltLen = 16
	keyLen  = 32
	// Ceilings for parameters read back from a stored hash (a few times
	// OWASP's), so one corrupt or hostile document cannot make each login
	// allocate hundreds of megabytes or spin for seconds.
	maxMemoryKiB = 64 * 1024
	maxPasses    = 16
	maxLanes     = 8
)

var errBadHash = errors.New("malformed password hash")

// hasher hashes and verifies passwords with a bounded number running at once.
// Each argon2id run holds MemoryKiB of RAM, so an unbounded login flood would
// exhaust memory; past the queue it refuses with ErrBusy instead of waiting.
type hasher struct {
	params   Params
	running  chan struct{} // one token per hash running now
	admitted chan struct{} // one token per hash running or waiting
	dummy    string        // verified against when the username is unknown
}

func newHasher(p Params, slots, queue int) (*hasher, error) {
	h := &hasher{
		params:   p,
		running:  make(chan struct{}, slots),
		admitted: make(chan struct{}, slots+queue),
	}
	dummy, err := h.hash(context.Background(), "a password nobody has, for unknown users")
	if err != nil {
		return nil, err
	}
	h.dummy = dummy
	return h, nil
}

// acquire waits for a slot; release with the function it returns.
func (h *hasher) acquire(ctx context.Context) (func(), error) {
	select {
	case h.admitted <- struct{}{}:
	default:
		return nil, ErrBusy
	}
	select {
	case h.running <- struct{}{}:
		return func() { <-h.running; <-h.admitted }, nil
	case <-ctx.Done():
		<-h.admitted
		return nil, ctx.Err()
	}
}

// hash returns a PHC string: $argon2id$v=19$m=19456,t=2,p=1$salt$key.
func (h *hasher) hash(ctx context.Context, password string) (string, error) {
	release, err := h.acquire(ctx)
	if err != nil {
		return "", err
	}
	defer release()
	salt := make([]byte, saltLen)
	rand.Read(salt) // never fails (crypto/rand, Go 1.24+)
	p := h.params
	key := argon2.IDKey([]byte(password), salt, p.Passes, p.MemoryKiB, p.Lanes, keyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.MemoryKiB, p.Passes, p.Lanes, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// verify reports whether password matches the PHC string, and whether the
// string was made with weaker parameters than today's (so it should be redone).
func (h *hasher) verify(ctx context.Context, encoded, password string) (ok, weak bool, err error) {
	p, salt, want, err := parsePHC(encoded)
	if err != nil {
		return false, false, err
	}
	release, err := h.acquire(ctx)
	if err != nil {
		return false, false, err
	}
	defer release()
	got := argon2.IDKey([]byte(password), salt, p.Passes, p.MemoryKiB, p.Lanes, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, p.weakerThan(h.params), nil
}

// verifyDummy spends the time a real verification takes, so an unknown
// username answers as slowly as a wrong password.
func (h *hasher) verifyDummy(ctx context.Context, password string) error {
	_, _, err := h.verify(ctx, h.dummy, password)
	return err
}

func parsePHC(s string) (p Params, salt, key []byte, err error) {
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" || parts[2] != fmt.Sprintf("v=%d", argon2.Version) {
		return Params{}, nil, nil, errBadHash
	}
	var lanes uint32
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.MemoryKiB, &p.Passes, &lanes); err != nil {
		return Params{}, nil, nil, errBadHash
	}
	if p.MemoryKiB == 0 || p.MemoryKiB > maxMemoryKiB || p.Passes == 0 || p.Passes > maxPasses || lanes == 0 || lanes > maxLanes {
		return Params{}, nil, nil, errBadHash
	}
	p.Lanes = uint8(lanes)
	b64 := base64.RawStdEncoding
	if salt, err = b64.DecodeString(parts[4]); err != nil || len(salt) < 8 {
		return Params{}, nil, nil, errBadHash
	}
	if key, err = b64.DecodeString(parts[5]); err != nil || len(key) < 16 || len(key) > 64 {
		return Params{}, nil, nil, errBadHash
	}
	return p, salt, key, nil
}
