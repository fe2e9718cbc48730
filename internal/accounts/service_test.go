package accounts

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestRegisterAndLogin(t *testing.T) {
	ctx := context.Background()
	s, rdb := newTestService(t, nil, Options{})
	alice := register(t, s, "Alice", "correct horse")
	if alice.User.Username != "Alice" || len(alice.User.ID) != 26 {
		t.Fatalf("registered %+v", alice.User)
	}

	tests := []struct {
		name, username, password string
		want                     error
	}{
		{"same name", "Alice", "correct horse", nil},
		{"other case", "aLICE", "correct horse", nil},
		{"fullwidth", "ＡＬＩＣＥ", "correct horse", nil},
		{"wrong password", "Alice", "correct horsf", ErrInvalidCredentials},
		{"unknown user", "Bob", "correct horse", ErrInvalidCredentials},
		{"invalid name", "a b", "correct horse", ErrInvalidCredentials},
		{"short password", "Alice", "short", ErrInvalidCredentials},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.Login(ctx, login("192.0.2.2", tt.username, tt.password))
			if !errors.Is(err, tt.want) {
				t.Fatalf("Login: %v; want %v", err, tt.want)
			}
			if tt.want == nil && got.User != alice.User {
				t.Fatalf("Login user = %+v; want %+v", got.User, alice.User)
			}
			if tt.want == nil && got.Tokens.AccountID == alice.Tokens.AccountID {
				t.Fatal("login reused the registration's account document")
			}
		})
	}

	// The user document: the name as typed, the folded name, a PHC hash.
	raw, err := rdb.Do(ctx, "JSON.GET", UserKey(alice.User.ID)).Text()
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(raw), &doc); err != nil {
		t.Fatal(err)
	}
	if doc["username"] != "Alice" || doc["usernameFolded"] != "alice" || !strings.HasPrefix(fmt.Sprint(doc["password"]), "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Fatalf("user document = %s", raw)
	}
	if strings.Contains(raw, "correct horse") {
		t.Fatal("user document holds the password")
	}
	if _, err := time.Parse(time.RFC3339, fmt.Sprint(doc["created"])); err != nil {
		t.Fatalf("created = %v: %v", doc["created"], err)
	}
}

func TestRegisterRefusesTakenAndInvalidNames(t *testing.T) {
	ctx := context.Background()
	s, _ := newTestService(t, nil, Options{})
	register(t, s, "Straße", "correct horse")
	tests := []struct {
		username, password string
		want               error
	}{
		{"Straße", "another password", ErrUsernameTaken},
		{"STRASSE", "another password", ErrUsernameTaken},
		{"strasse", "another password", ErrUsernameTaken},
		{"ab", "another password", ErrInvalidInput},
		{"fine_name", "short", ErrInvalidInput},
		{"fine_name", "another password", nil},
	}
	for _, tt := range tests {
		_, err := s.Register(ctx, Attempt{IP: "192.0.2.1", Username: tt.username, Password: tt.password})
		if !errors.Is(err, tt.want) {
			t.Errorf("Register(%q, %q): %v; want %v", tt.username, tt.password, err, tt.want)
		}
	}
}

func TestConcurrentRegistrationsOfOneNameHaveOneWinner(t *testing.T) {
	ctx := context.Background()
	const n = 20
	s, rdb := newTestService(t, nil, Options{HashQueue: n, RegisterLimit: Limit{Max: n, Window: time.Hour}})
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			// Differently cased, so the check must be on the folded name.
			name := "racer"
			if i%2 == 1 {
				name = "RACER"
			}
			_, errs[i] = s.Register(ctx, Attempt{IP: fmt.Sprintf("192.0.2.%d", i), Username: name, Password: fmt.Sprintf("password number %d", i)})
		})
	}
	close(start)
	wg.Wait()
	won := 0
	for _, err := range errs {
		switch {
		case err == nil:
			won++
		case !errors.Is(err, ErrUsernameTaken):
			t.Errorf("Register: %v", err)
		}
	}
	if won != 1 {
		t.Fatalf("%d registrations won; want exactly 1", won)
	}
	if keys, _ := rdb.Keys(ctx, "user:*").Result(); len(keys) != 1 {
		t.Fatalf("user documents %v; want one", keys)
	}
}

func TestLoginRehashesWeakHashes(t *testing.T) {
	ctx := context.Background()
	s, rdb := newTestService(t, nil, Options{})
	sess := register(t, s, "alice", "correct horse")
	stronger, err := newHasher(Params{MemoryKiB: 128, Passes: 2, Lanes: 1}, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	s.hasher = stronger
	if _, err := s.Login(ctx, login("192.0.2.1", "alice", "correct horse")); err != nil {
		t.Fatal(err)
	}
	phc, err := rdb.Do(ctx, "JSON.GET", UserKey(sess.User.ID), "$.password").Text()
	if err != nil || !strings.Contains(phc, "m=128,t=2,p=1") {
		t.Fatalf("hash after login = %s, %v; want the stronger parameters", phc, err)
	}
	if _, err := s.Login(ctx, login("192.0.2.1", "alice", "correct horse")); err != nil {
		t.Fatalf("login with the new hash: %v", err)
	}
}

// An unknown username costs a password hash like a known one, so timing
// does not tell them apart. A full hasher proves the hash is attempted.
func TestUnknownUsernamesCostAHash(t *testing.T) {
	ctx := context.Background()
	s, _ := newTestService(t, nil, Options{HashSlots: 1, HashQueue: 1})
	for range cap(s.hasher.admitted) {
		s.hasher.admitted <- struct{}{}
	}
	if _, err := s.Login(ctx, login("192.0.2.1", "nobody", "correct horse")); !errors.Is(err, ErrBusy) {
		t.Fatalf("login of an unknown user with the hasher full: %v; want ErrBusy (a hash was attempted)", err)
	}
	// A name that cannot exist needs no disguise.
	if _, err := s.Login(ctx, login("192.0.2.1", "no body", "correct horse")); !errors.Is(err, ErrInvalidCredentials) {
		t.Fatalf("login of an invalid name: %v; want ErrInvalidCredentials", err)
	}
}
