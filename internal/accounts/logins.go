package accounts

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// A user's logins. Each login is one account document (its token pair)
// held by one session document. The hash logins:<user> maps the user's
// account ids to their session ids: the account joins it when it is created
// (with no session yet) and the session store fills in the session when it
// first writes it (session_commit.lua). It lists the user's sessions and
// ends them from anywhere: a password change, "log out everywhere", or
// ending one session from the account page. Entries of logins that expired
// on their own are dropped when the list is read.
//
// Ending a login deletes its account and session documents and publishes
// its id on EndedChannel, so the instances holding its WebSockets close
// them (LoginWatch).

// listLogin adds a new account to its user's logins, inside the
// transaction that creates it. The hash lives as long as its longest login.
func listLogin(userID, accountID string, ends time.Time) func(redis.Pipeliner) {
	return func(p redis.Pipeliner) {
		ctx := context.Background() // only queues commands; the transaction runs with the caller's
		key := loginsKey(userID)
		p.HSetNX(ctx, key, accountID, "")
		p.Do(ctx, "PEXPIREAT", key, ends.UnixMilli(), "NX")
		p.Do(ctx, "PEXPIREAT", key, ends.UnixMilli(), "GT")
	}
}

// endLogins ends the user's logins ids (account ids): their account and
// session documents are deleted and the ends are published. Callers make
// sure the ids are the user's.
func (s *Service) endLogins(ctx context.Context, userID string, ids ...string) error {
	if len(ids) == 0 {
		return nil
	}
	key := loginsKey(userID)
	sessions, err := s.rdb.HMGet(ctx, key, ids...).Result()
	if err != nil {
		return fmt.Errorf("accounts: end logins of %s: %w", userID, err)
	}
	_, err = s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		for i, id := range ids {
			p.Del(ctx, AccountKey(id))
			if sid, _ := sessions[i].(string); sid != "" {
				p.Del(ctx, SessionPrefix+sid)
			}
		}
		p.HDel(ctx, key, ids...)
		return nil
	})
	if err != nil {
		return fmt.Errorf("accounts: end logins of %s: %w", userID, err)
	}
	s.published(ctx, ids...)
	return nil
}

// published tells every instance that the logins ids have ended; a lost
// message is caught by each instance's next check of its sockets (LoginWatch).
func (s *Service) published(ctx context.Context, ids ...string) {
	if len(ids) == 0 {
		return
	}
	if err := s.rdb.Publish(ctx, EndedChannel, strings.Join(ids, " ")).Err(); err != nil {
		s.log.WarnContext(ctx, "accounts: publish ended logins", "logins", ids, "err", err)
	}
}

// loginIDs lists the ids of the user's logins, except except.
func (s *Service) loginIDs(ctx context.Context, userID, except string) ([]string, error) {
	ids, err := s.rdb.HKeys(ctx, loginsKey(userID)).Result()
	if err != nil {
		return nil, fmt.Errorf("accounts: logins of %s: %w", userID, err)
	}
	return slices.DeleteFunc(ids, func(id string) bool { return id == except }), nil
}

// SessionInfo describes one of a user's sessions for the account page; it
// never holds a token.
type SessionInfo struct {
	ID        string    `json:"id"` // the login's account id, which DELETE /account/sessions/{id} takes
	Created   time.Time `json:"created"`
	LastSeen  time.Time `json:"lastSeen"` // to the minute
	Expires   time.Time `json:"expires"`  // when it ends at the latest, however active
	Remember  bool      `json:"remember"` // "Keep me signed in"
	UserAgent string    `json:"userAgent"`
	Address   string    `json:"address"` // the client's address as the rate limits see it (an IPv6 /64)
	Current   bool      `json:"current"` // the session asking
}

// sessionInfoDoc is what a session document holds for SessionInfo.
type sessionInfoDoc struct {
	Created   string `json:"created"`
	LastSeen  string `json:"lastSeen"`
	Deadline  string `json:"deadline"`
	Remember  bool   `json:"__rememberMe"`
	UserAgent string `json:"userAgent"`
	Address   string `json:"address"`
	AccountID string `json:"accountId"`
}

// Sessions lists the live sessions of sess's user, newest first.
func (s *Service) Sessions(ctx context.Context, sess Session) ([]SessionInfo, error) {
	key := loginsKey(sess.User.ID)
	all, err := s.rdb.HGetAll(ctx, key).Result()
	if err != nil {
		return nil, fmt.Errorf("accounts: sessions of %s: %w", sess.User.ID, err)
	}
	var ids, sids []string
	for id, sid := range all {
		if sid != "" { // "": logging in right now
			ids, sids = append(ids, id), append(sids, SessionPrefix+sid)
		}
	}
	if len(ids) == 0 {
		return []SessionInfo{}, nil
	}
	pipe := s.rdb.Pipeline()
	docs := pipe.Do(ctx, append([]any{"JSON.MGET"}, append(anys(sids), "$")...)...)
	accounts := make([]*redis.IntCmd, len(ids))
	for i, id := range ids {
		accounts[i] = pipe.Exists(ctx, AccountKey(id))
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, fmt.Errorf("accounts: sessions of %s: %w", sess.User.ID, err)
	}
	raw, err := docs.Slice()
	if err != nil || len(raw) != len(ids) {
		return nil, fmt.Errorf("accounts: sessions of %s: %v", sess.User.ID, errors.Join(err, errors.New("short JSON.MGET answer")))
	}
	list := []SessionInfo{}
	var gone []string
	for i, id := range ids {
		var d []sessionInfoDoc
		if str, ok := raw[i].(string); !ok || accounts[i].Val() == 0 || json.Unmarshal([]byte(str), &d) != nil || len(d) != 1 || d[0].AccountID != id {
			gone = append(gone, id)
			continue
		}
		info := SessionInfo{ID: id, Remember: d[0].Remember, UserAgent: d[0].UserAgent, Address: d[0].Address, Current: id == sess.Tokens.AccountID}
		info.Created, _ = time.Parse(isoLayout, d[0].Created)
		info.LastSeen, _ = time.Parse(isoLayout, d[0].LastSeen)
		info.Expires, _ = time.Parse(isoLayout, d[0].Deadline)
		list = append(list, info)
	}
	if len(gone) > 0 {
		// Expired on their own (or replaced): only the entries are left.
		if err := s.rdb.HDel(ctx, key, gone...).Err(); err != nil {
			s.log.WarnContext(ctx, "accounts: drop ended sessions from the list", "user", sess.User.ID, "err", err)
		}
	}
	slices.SortFunc(list, func(a, b SessionInfo) int {
		if c := b.Created.Compare(a.Created); c != 0 {
			return c
		}
		return strings.Compare(b.ID, a.ID) // ULIDs: later ones sort last
	})
	return list, nil
}

func anys(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}
