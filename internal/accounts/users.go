package accounts

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// User is who is logged in, as the API shows it.
type User struct {
	ID       string `json:"id"`
	Username string `json:"username"`
}

// userDoc is the user:<id> document.
type userDoc struct {
	ID       string    `json:"id"`
	Username string    `json:"username"` // as typed, NFKC-normalized
	Folded   string    `json:"usernameFolded"`
	Password string    `json:"password"` // argon2id PHC string: parameters, salt, key
	Created  time.Time `json:"created"`
}

func (d userDoc) user() User { return User{ID: d.ID, Username: d.Username} }

//go:embed create_user.lua
var createUserLua string

var createUserScript = redis.NewScript(createUserLua)

// users stores user documents and the username claims that keep names unique.
type users struct{ rdb redis.UniversalClient }

// create stores d, or fails with ErrUsernameTaken (ErrUsernameLookalike
// when only a look-alike of the name is taken).
func (u users) create(ctx context.Context, d userDoc, skeleton string) error {
	doc, err := json.Marshal(d)
	if err != nil {
		return fmt.Errorf("accounts: encode user %s: %w", d.Username, err)
	}
	keys := []string{usernameKey(d.Folded), UserKey(d.ID), skeletonKey(skeleton)}
	created, err := createUserScript.Run(ctx, u.rdb, keys, d.ID, doc).Int()
	switch {
	case err != nil:
		return fmt.Errorf("accounts: create user %s: %w", d.Username, err)
	case created == 0:
		return fmt.Errorf("accounts: create user %s: %w", d.Username, ErrUsernameTaken)
	case created < 0:
		return fmt.Errorf("accounts: create user %s: %w", d.Username, ErrUsernameLookalike)
	}
	return nil
}

// byName finds the user with a folded name.
func (u users) byName(ctx context.Context, folded string) (userDoc, error) {
	id, err := u.rdb.Get(ctx, usernameKey(folded)).Result()
	if errors.Is(err, redis.Nil) {
		return userDoc{}, fmt.Errorf("accounts: user %s: %w", folded, ErrNotFound)
	}
	if err != nil {
		return userDoc{}, fmt.Errorf("accounts: user %s: %w", folded, err)
	}
	return u.byID(ctx, id)
}

// byID reads the user:<id> document.
func (u users) byID(ctx context.Context, id string) (userDoc, error) {
	return decodeDoc[userDoc](u.rdb.Do(ctx, "JSON.GET", UserKey(id)), "user "+id)
}

// password reads a user's password hash alone.
func (u users) password(ctx context.Context, id string) (string, error) {
	var phc []string
	raw, err := u.rdb.Do(ctx, "JSON.GET", UserKey(id), "$.password").Text()
	if err == nil {
		err = json.Unmarshal([]byte(raw), &phc)
	}
	if errors.Is(err, redis.Nil) || err == nil && len(phc) != 1 {
		return "", fmt.Errorf("accounts: password of %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("accounts: password of %s: %w", id, err)
	}
	return phc[0], nil
}

// setPassword replaces a user's password hash.
func (u users) setPassword(ctx context.Context, id, phc string) error {
	val, err := json.Marshal(phc)
	if err != nil {
		return fmt.Errorf("accounts: encode hash of %s: %w", id, err)
	}
	if err := u.rdb.Do(ctx, "JSON.SET", UserKey(id), "$.password", val, "XX").Err(); err != nil {
		return fmt.Errorf("accounts: update hash of %s: %w", id, err)
	}
	return nil
}
