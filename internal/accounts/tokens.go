package accounts

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/oklog/ulid/v2"
	"github.com/redis/go-redis/v9"
)

// Tokens are the access and refresh tokens of one account document, as a
// session holds them. The document keeps only their SHA-256.
type Tokens struct {
	AccountID        string
	Token            string
	Refresh          string
	TokenExpiresOn   time.Time
	RefreshExpiresOn time.Time
}

// accountDoc is the account:<id> document: the contract's three fields plus the
// hashes that tokens are checked against, and the pair replaced by the last
// refresh (accepted for refreshGrace, for requests that were already running).
type accountDoc struct {
	TokenExpiresOn   epochSeconds `json:"tokenExpiresOn"`
	RefreshExpiresOn epochSeconds `json:"refreshExpiresOn"`
	UserID           string       `json:"userId"`
	TokenHash        string       `json:"tokenHash"`
	RefreshHash      string       `json:"refreshHash"`
	PrevTokenHash    string       `json:"prevTokenHash,omitempty"`
	PrevRefreshHash  string       `json:"prevRefreshHash,omitempty"`
	RotatedAt        epochSeconds `json:"rotatedAt,omitempty"`
}

// epochSeconds is Unix time in seconds, written with milliseconds as the
// contract writes it (1691169643.241), so it is a JSON float even on a whole second.
type epochSeconds float64

func epochOf(t time.Time) epochSeconds { return epochSeconds(float64(t.UnixMilli()) / 1000) }

func (e epochSeconds) Time() time.Time {
	return time.UnixMilli(int64(math.Round(float64(e) * 1000))).UTC()
}

// msUTC is how token times are kept everywhere: UTC, whole milliseconds, as
// both documents write them, so a Tokens survives a round trip unchanged.
func msUTC(t time.Time) time.Time { return t.UTC().Truncate(time.Millisecond) }

func (e epochSeconds) MarshalJSON() ([]byte, error) {
	return strconv.AppendFloat(nil, float64(e), 'f', 3, 64), nil
}

// inGrace reports whether the previous pair is still accepted at now.
func (d accountDoc) inGrace(now time.Time, grace time.Duration) bool {
	return d.RotatedAt != 0 && now.Before(d.RotatedAt.Time().Add(grace))
}

// errRotatedConcurrently: the refresh token was replaced a moment ago by
// another request of the same session, whose write of the new pair wins.
var errRotatedConcurrently = errors.New("tokens were just refreshed by another request")

// conn is a client or a WATCHing transaction.
type conn interface {
	Do(ctx context.Context, args ...any) *redis.Cmd
	TxPipelined(ctx context.Context, fn func(redis.Pipeliner) error) ([]redis.Cmder, error)
}

// tokenStore keeps account documents.
type tokenStore struct {
	rdb              redis.UniversalClient
	accessTTL, grace time.Duration
}

// newToken is 256 random bits in base64, as the contract shows tokens.
func newToken() string {
	b := make([]byte, 32)
	rand.Read(b) // never fails (crypto/rand, Go 1.24+)
	return base64.StdEncoding.EncodeToString(b)
}

func digest(token string) string {
	sum := sha256.Sum256([]byte(token))
	return base64.StdEncoding.EncodeToString(sum[:])
}

// matches compares a token with a stored digest in constant time.
func matches(storedDigest, token string) bool {
	return storedDigest != "" && subtle.ConstantTimeCompare([]byte(storedDigest), []byte(digest(token))) == 1
}

// create starts a new account document (a token family) for a user, whose
// refresh token, and so the login, lasts lifetime. The account joins the
// user's logins (logins.go), with no session yet.
func (s tokenStore) create(ctx context.Context, userID string, now time.Time, lifetime time.Duration) (Tokens, error) {
	now = msUTC(now)
	t := Tokens{
		AccountID:        ulid.Make().String(),
		Token:            newToken(),
		Refresh:          newToken(),
		TokenExpiresOn:   now.Add(min(s.accessTTL, lifetime)),
		RefreshExpiresOn: now.Add(lifetime),
	}
	d := accountDoc{
		TokenExpiresOn:   epochOf(t.TokenExpiresOn),
		RefreshExpiresOn: epochOf(t.RefreshExpiresOn),
		UserID:           userID,
		TokenHash:        digest(t.Token),
		RefreshHash:      digest(t.Refresh),
	}
	if err := s.put(ctx, s.rdb, t.AccountID, d, listLogin(userID, t.AccountID, t.RefreshExpiresOn)); err != nil {
		return Tokens{}, err
	}
	return t, nil
}

// put writes d to account:<id>, expiring with its refresh token, and runs
// also in the same transaction.
func (s tokenStore) put(ctx context.Context, c conn, id string, d accountDoc, also ...func(redis.Pipeliner)) error {
	doc, err := json.Marshal(d)
	if err != nil {
		return fmt.Errorf("accounts: encode account %s: %w", id, err)
	}
	_, err = c.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.Do(ctx, "JSON.SET", AccountKey(id), "$", doc)
		p.ExpireAt(ctx, AccountKey(id), d.RefreshExpiresOn.Time())
		for _, f := range also {
			f(p)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("accounts: save account %s: %w", id, err)
	}
	return nil
}

// get reads account:<id>; ErrNotFound once it is revoked or expired.
func (s tokenStore) get(ctx context.Context, c conn, id string) (accountDoc, error) {
	return decodeAccount(id, c.Do(ctx, "JSON.GET", AccountKey(id)))
}

// decodeAccount reads the answer of JSON.GET account:<id>.
func decodeAccount(id string, get *redis.Cmd) (accountDoc, error) {
	return decodeDoc[accountDoc](get, "account "+id)
}

// decodeDoc reads the answer of a JSON.GET of a whole document; what names
// the document in errors. ErrNotFound when the key does not exist.
func decodeDoc[T any](get *redis.Cmd, what string) (T, error) {
	var d T
	raw, err := get.Text()
	if errors.Is(err, redis.Nil) {
		return d, fmt.Errorf("accounts: %s: %w", what, ErrNotFound)
	}
	if err != nil {
		return d, fmt.Errorf("accounts: %s: %w", what, err)
	}
	if err := json.Unmarshal([]byte(raw), &d); err != nil {
		var zero T
		return zero, fmt.Errorf("accounts: decode %s: %w", what, err)
	}
	return d, nil
}

// rotate replaces the pair whose refresh token is old.Refresh. A refresh
// token that is neither current nor just replaced has been used before: a
// copy exists somewhere, so the whole family is revoked (ErrTokenReused).
func (s tokenStore) rotate(ctx context.Context, old Tokens, now time.Time) (Tokens, error) {
	now = msUTC(now)
	key := AccountKey(old.AccountID)
	var next Tokens
	swap := func(tx *redis.Tx) error {
		d, err := s.get(ctx, tx, old.AccountID)
		if err != nil {
			return err
		}
		switch {
		case matches(d.RefreshHash, old.Refresh):
		case d.inGrace(now, s.grace) && matches(d.PrevRefreshHash, old.Refresh):
			return errRotatedConcurrently
		default:
			if err := tx.Del(ctx, key).Err(); err != nil {
				return fmt.Errorf("accounts: revoke account %s: %w", old.AccountID, err)
			}
			return fmt.Errorf("accounts: refresh account %s: %w", old.AccountID, ErrTokenReused)
		}
		if !now.Before(d.RefreshExpiresOn.Time()) {
			return fmt.Errorf("accounts: refresh account %s: expired: %w", old.AccountID, ErrUnauthenticated)
		}
		// The refresh token keeps its family's expiry: a login lasts at most
		// its lifetime however often it is refreshed, and so does a token.
		next = Tokens{
			AccountID:        old.AccountID,
			Token:            newToken(),
			Refresh:          newToken(),
			TokenExpiresOn:   now.Add(s.accessTTL),
			RefreshExpiresOn: d.RefreshExpiresOn.Time(),
		}
		if end := d.RefreshExpiresOn.Time(); next.TokenExpiresOn.After(end) {
			next.TokenExpiresOn = end
		}
		d.PrevTokenHash, d.PrevRefreshHash, d.RotatedAt = d.TokenHash, d.RefreshHash, epochOf(now)
		d.TokenHash, d.RefreshHash = digest(next.Token), digest(next.Refresh)
		d.TokenExpiresOn = epochOf(next.TokenExpiresOn)
		return s.put(ctx, tx, old.AccountID, d)
	}
	// WATCH makes the read-compare-write one step: of two requests
	// presenting the same refresh token, one swaps and the other retries
	// and finds it replaced.
	for range 3 {
		err := s.rdb.Watch(ctx, swap, key)
		if errors.Is(err, redis.TxFailedErr) {
			continue
		}
		if err != nil {
			return Tokens{}, err
		}
		return next, nil
	}
	return Tokens{}, fmt.Errorf("accounts: refresh account %s: too much contention", old.AccountID)
}
