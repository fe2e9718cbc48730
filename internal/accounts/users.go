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

// skeletonsClaimed marks that every user has a username-skeleton: claim
// (users registered before look-alikes were refused had none).
const skeletonsClaimed = "migrated:username-skeletons"

// claimSkeletons gives every existing user the look-alike claim of their
// name, once per database. Claims are set only where free: of two old
// users with look-alike names, the first claims it; both still log in.
func (u users) claimSkeletons(ctx context.Context) error {
	if n, err := u.rdb.Exists(ctx, skeletonsClaimed).Result(); err != nil || n == 1 {
		return err
	}
	iter := u.rdb.ScanType(ctx, 0, userPrefix+"*", 500, "ReJSON-RL").Iterator()
	var keys []string
	flush := func() error {
		if len(keys) == 0 {
			return nil
		}
		args := []any{"JSON.MGET"}
		for _, k := range keys {
			args = append(args, k)
		}
		vals, err := u.rdb.Do(ctx, append(args, "$")...).Slice()
		if err != nil {
			return err
		}
		pipe := u.rdb.Pipeline()
		for _, v := range vals {
			var docs []userDoc
			if s, ok := v.(string); !ok || json.Unmarshal([]byte(s), &docs) != nil || len(docs) != 1 || docs[0].Folded == "" {
				continue
			}
			pipe.SetNX(ctx, skeletonKey(skeleton(docs[0].Folded)), docs[0].ID, 0)
		}
		keys = keys[:0]
		_, err = pipe.Exec(ctx)
		return err
	}
	for iter.Next(ctx) {
		if keys = append(keys, iter.Val()); len(keys) == 500 {
			if err := flush(); err != nil {
				return fmt.Errorf("accounts: claim name skeletons: %w", err)
			}
		}
	}
	if err := errors.Join(iter.Err(), flush()); err != nil {
		return fmt.Errorf("accounts: claim name skeletons: %w", err)
	}
	return u.rdb.Set(ctx, skeletonsClaimed, time.Now().UTC().Format(time.RFC3339), 0).Err()
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
