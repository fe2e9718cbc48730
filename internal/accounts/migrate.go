package accounts

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// Data written by older versions is brought up to date once per database
// (Service.Prepare); a marker key says each step is done. Steps only add
// what is missing, so instances starting together may run one at once.
const (
	// Users registered before look-alike names were refused have no
	// username-skeleton: claim.
	skeletonsClaimed = "migrated:username-skeletons"
	// Logins started before the user's list of logins existed are not in it,
	// so a password change or "log out everywhere" would miss them.
	loginsListed = "migrated:logins"
)

// claimSkeletons gives every existing user the look-alike claim of their
// name. Claims are set only where free: of two old users with look-alike
// names, the first claims it; both still log in.
func claimSkeletons(ctx context.Context, rdb redis.UniversalClient) error {
	return migrateDocs(ctx, rdb, skeletonsClaimed, userPrefix, func(p redis.Pipeliner, _ string, d userDoc) {
		if d.Folded != "" && d.ID != "" {
			p.SetNX(ctx, skeletonKey(skeleton(d.Folded)), d.ID, 0)
		}
	})
}

// listLogins puts every live account document in its user's logins.
func listLogins(ctx context.Context, rdb redis.UniversalClient) error {
	return migrateDocs(ctx, rdb, loginsListed, accountPrefix, func(p redis.Pipeliner, key string, d accountDoc) {
		if d.UserID != "" {
			listLogin(d.UserID, strings.TrimPrefix(key, accountPrefix), d.RefreshExpiresOn.Time())(p)
		}
	})
}

// migrateDocs calls fn for each JSON document under prefix, decoded as T,
// 500 at a time, and runs what fn queues; then it sets marker. It does
// nothing once marker is set.
func migrateDocs[T any](ctx context.Context, rdb redis.UniversalClient, marker, prefix string, fn func(p redis.Pipeliner, key string, d T)) error {
	if n, err := rdb.Exists(ctx, marker).Result(); err != nil || n == 1 {
		return err
	}
	const batch = 500
	var keys []string
	flush := func() error {
		if len(keys) == 0 {
			return nil
		}
		vals, err := rdb.Do(ctx, append(append([]any{"JSON.MGET"}, anys(keys)...), "$")...).Slice()
		if err != nil {
			return err
		}
		pipe := rdb.Pipeline()
		for i, v := range vals {
			var docs []T
			if s, ok := v.(string); ok && json.Unmarshal([]byte(s), &docs) == nil && len(docs) == 1 {
				fn(pipe, keys[i], docs[0])
			}
		}
		keys = keys[:0]
		_, err = pipe.Exec(ctx)
		return err
	}
	iter := rdb.ScanType(ctx, 0, prefix+"*", batch, "ReJSON-RL").Iterator()
	for iter.Next(ctx) {
		if keys = append(keys, iter.Val()); len(keys) == batch {
			if err := flush(); err != nil {
				return fmt.Errorf("accounts: migrate %s: %w", marker, err)
			}
		}
	}
	if err := errors.Join(iter.Err(), flush()); err != nil {
		return fmt.Errorf("accounts: migrate %s: %w", marker, err)
	}
	return rdb.Set(ctx, marker, time.Now().UTC().Format(time.RFC3339), 0).Err()
}
