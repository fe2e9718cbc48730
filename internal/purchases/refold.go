package purchases

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// Refold brings the search_text of stored documents to the current
// FoldVersion, once per database: a new folding rule (Ø as o, æ as ae...)
// must find old purchases as it finds new ones, without a flush. The index
// needs no rebuild: RediSearch re-indexes each document whose search_text
// changes. Every instance calls it at start, in the background; one does
// the work (FoldedLockKey), the others wait for FoldedKey to say it is done.
// Documents saved meanwhile are folded by the new rules already.
func Refold(ctx context.Context, rdb redis.UniversalClient, log *slog.Logger) error {
	for {
		done, err := rdb.Get(ctx, FoldedKey).Int()
		if err != nil && !errors.Is(err, redis.Nil) {
			return fmt.Errorf("purchases: read %s: %w", FoldedKey, err)
		}
		if done >= FoldVersion {
			return nil
		}
		mine, err := rdb.SetNX(ctx, FoldedLockKey, "1", refoldLockTTL).Result()
		if err != nil {
			return fmt.Errorf("purchases: take %s: %w", FoldedLockKey, err)
		}
		if mine {
			return refoldAll(ctx, rdb, log)
		}
		select { // another instance is at it; its lock expires if it died
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Second):
		}
	}
}

// refoldLockTTL bounds how long a refold that died holds the others up; the
// worker renews it with every batch.
const refoldLockTTL = 30 * time.Second

// refoldBatch is how many documents each round trip reads and rewrites.
const refoldBatch = 500

func refoldAll(ctx context.Context, rdb redis.UniversalClient, log *slog.Logger) error {
	start := time.Now()
	var cursor uint64
	seen, changed := 0, 0
	for {
		keys, next, err := rdb.ScanType(ctx, cursor, KeyPrefix+"*", refoldBatch, "ReJSON-RL").Result()
		if err != nil {
			return fmt.Errorf("purchases: refold: SCAN: %w", err)
		}
		n, err := refoldKeys(ctx, rdb, keys)
		if err != nil {
			return err
		}
		seen, changed = seen+len(keys), changed+n
		if err := rdb.Expire(ctx, FoldedLockKey, refoldLockTTL).Err(); err != nil {
			return fmt.Errorf("purchases: refold: renew %s: %w", FoldedLockKey, err)
		}
		if cursor = next; cursor == 0 {
			break
		}
	}
	pipe := rdb.TxPipeline()
	pipe.Set(ctx, FoldedKey, strconv.Itoa(FoldVersion), 0)
	pipe.Del(ctx, FoldedLockKey)
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("purchases: refold: mark done: %w", err)
	}
	if seen > 0 {
		log.Info("purchases: search text refolded", "fold_version", FoldVersion, "documents", seen,
			"changed", changed, "took", time.Since(start).Round(time.Millisecond))
	}
	return nil
}

// refoldKeys rewrites the search_text of those keys whose folding changed,
// in two round trips, and returns how many it rewrote.
func refoldKeys(ctx context.Context, rdb redis.UniversalClient, keys []string) (int, error) {
	if len(keys) == 0 {
		return 0, nil
	}
	read := rdb.Pipeline()
	cmds := make([]*redis.JSONCmd, len(keys))
	for i, k := range keys {
		cmds[i] = read.JSONGet(ctx, k, "$.artist_name", "$.item_description", "$.album_title", "$.search_text")
	}
	if _, err := read.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
		return 0, fmt.Errorf("purchases: refold: read: %w", err)
	}
	write := rdb.Pipeline()
	for i, cmd := range cmds {
		var fields map[string][]string
		if cmd.Err() != nil || json.Unmarshal([]byte(cmd.Val()), &fields) != nil {
			continue // expired meanwhile, or not a purchase
		}
		first := func(path string) string {
			if v := fields[path]; len(v) > 0 {
				return v[0]
			}
			return ""
		}
		p := Purchase{ArtistName: first("$.artist_name"), ItemDescription: first("$.item_description"), AlbumTitle: first("$.album_title")}
		if p.AlbumTitle == "" {
			p.AlbumTitle = p.ItemDescription // the document leaves it out then (see document)
		}
		if text := p.SearchText(); text != first("$.search_text") {
			quoted, _ := json.Marshal(text)
			write.JSONSetMode(ctx, keys[i], "$.search_text", string(quoted), "XX")
		}
	}
	n := write.Len()
	if n == 0 {
		return 0, nil
	}
	if _, err := write.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
		return 0, fmt.Errorf("purchases: refold: write: %w", err)
	}
	return n, nil
}
