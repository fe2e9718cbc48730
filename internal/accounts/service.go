// Package accounts registers and logs in users, keeps their token pairs
// (the contract's account documents) and sessions in Redis, and rate-limits
// password guessing. Passwords are hashed with argon2id.
package accounts

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"time"

	"github.com/oklog/ulid/v2"
	"github.com/redis/go-redis/v9"
)

// Token lifetimes, as the issue sets them.
const (
	AccessTTL  = time.Hour
	RefreshTTL = 120 * 24 * time.Hour
	// refreshGrace is how long the pair replaced by a refresh stays valid,
	// for requests of the same session that were running when it happened.
	refreshGrace = 30 * time.Second
)

// Options tune a Service; the zero value is production's.
type Options struct {
	Params        Params // argon2id costs; zero means OWASPParams
	HashSlots     int    // hashes at once; 0 means one per CPU
	HashQueue     int    // hashes waiting for a slot before ErrBusy; 0 means 4 per slot
	LoginLimit    Limit  // failed logins per IP and per username; zero means 10 in 15 minutes
	RegisterLimit Limit  // registrations per IP; zero means 20 an hour
	Now           func() time.Time
	Logger        *slog.Logger
}

// Service is the accounts API used by the HTTP handlers.
type Service struct {
	users    users
	tokens   tokenStore
	limiter  limiter
	hasher   *hasher
	login    Limit
	register Limit
	now      func() time.Time
	log      *slog.Logger
}

// NewService returns a Service over rdb. It hashes one password to have a
// dummy for unknown usernames.
func NewService(rdb redis.UniversalClient, o Options) (*Service, error) {
	if o.Params == (Params{}) {
		o.Params = OWASPParams()
	}
	if o.HashSlots <= 0 {
		o.HashSlots = runtime.NumCPU()
	}
	if o.HashQueue <= 0 {
		o.HashQueue = 4 * o.HashSlots
	}
	if o.LoginLimit == (Limit{}) {
		o.LoginLimit = Limit{Max: 10, Window: 15 * time.Minute}
	}
	if o.RegisterLimit == (Limit{}) {
		o.RegisterLimit = Limit{Max: 20, Window: time.Hour}
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Params.weakerThan(OWASPParams()) {
		o.Logger.Warn("accounts: argon2id parameters below OWASP's minimum; use only in tests", "params", o.Params)
	}
	h, err := newHasher(o.Params, o.HashSlots, o.HashQueue)
	if err != nil {
		return nil, err
	}
	return &Service{
		users:    users{rdb: rdb},
		tokens:   tokenStore{rdb: rdb, accessTTL: AccessTTL, refreshTTL: RefreshTTL, grace: refreshGrace},
		limiter:  limiter{rdb: rdb},
		hasher:   h,
		login:    o.LoginLimit,
		register: o.RegisterLimit,
		now:      o.Now,
		log:      o.Logger,
	}, nil
}

// Register creates a user and logs them in. ip is the client's address,
// for the registrations-per-IP limit.
func (s *Service) Register(ctx context.Context, ip, name, password string) (Session, error) {
	un, err := parseUsername(name)
	if err != nil {
		return Session{}, err
	}
	pw, err := parsePassword(password)
	if err != nil {
		return Session{}, err
	}
	if err := s.limiter.take(ctx, s.register, registerPrefix+ip); err != nil {
		return Session{}, fmt.Errorf("accounts: register %s: %w", un.Display, err)
	}
	phc, err := s.hasher.hash(ctx, pw)
	if err != nil {
		return Session{}, fmt.Errorf("accounts: register %s: %w", un.Display, err)
	}
	d := userDoc{
		ID:       ulid.Make().String(),
		Username: un.Display,
		Folded:   un.Folded,
		Password: phc,
		Created:  s.now().UTC().Truncate(time.Millisecond),
	}
	if err := s.users.create(ctx, d); err != nil {
		return Session{}, err
	}
	s.log.InfoContext(ctx, "accounts: registered", "user", d.ID, "username", d.Username)
	return s.start(ctx, d.user())
}

// Login checks a username and password and starts a new token pair. Every
// failure is ErrInvalidCredentials after about the same time, whether the
// name exists or not. Failures count against ip and the name.
func (s *Service) Login(ctx context.Context, ip, name, password string) (Session, error) {
	un, nameErr := parseUsername(name)
	pw, pwErr := parsePassword(password)
	keys := []string{loginIPPrefix + ip}
	if nameErr == nil {
		keys = append(keys, loginUserPrefix+un.Folded)
	}
	if err := s.limiter.take(ctx, s.login, keys...); err != nil {
		return Session{}, fmt.Errorf("accounts: login: %w", err)
	}
	if nameErr != nil || pwErr != nil {
		// No such user can exist, so there is nothing to time.
		return Session{}, fmt.Errorf("accounts: login: %w", ErrInvalidCredentials)
	}
	d, err := s.users.byName(ctx, un.Folded)
	if errors.Is(err, ErrNotFound) {
		if err := s.hasher.verifyDummy(ctx, pw); err != nil {
			return Session{}, fmt.Errorf("accounts: login %s: %w", un.Display, err)
		}
		return Session{}, fmt.Errorf("accounts: login %s: no such user: %w", un.Display, ErrInvalidCredentials)
	}
	if err != nil {
		return Session{}, err
	}
	ok, weak, err := s.hasher.verify(ctx, d.Password, pw)
	if err != nil {
		return Session{}, fmt.Errorf("accounts: login %s: %w", un.Display, err)
	}
	if !ok {
		return Session{}, fmt.Errorf("accounts: login %s: wrong password: %w", un.Display, ErrInvalidCredentials)
	}
	if err := s.limiter.refund(ctx, keys...); err != nil {
		s.log.WarnContext(ctx, "accounts: login", "user", d.ID, "err", err)
	}
	if weak {
		s.rehash(ctx, d.ID, pw)
	}
	return s.start(ctx, d.user())
}

// rehash upgrades a hash made with weaker parameters than today's; the
// login succeeds whether or not this does.
func (s *Service) rehash(ctx context.Context, id, pw string) {
	phc, err := s.hasher.hash(ctx, pw)
	if err == nil {
		err = s.users.setPassword(ctx, id, phc)
	}
	if err != nil {
		s.log.WarnContext(ctx, "accounts: upgrade password hash", "user", id, "err", err)
	}
}

// start creates a new account document (token pair) for u.
func (s *Service) start(ctx context.Context, u User) (Session, error) {
	t, err := s.tokens.create(ctx, u.ID, s.now())
	if err != nil {
		return Session{}, err
	}
	return Session{User: u, Tokens: t}, nil
}

// Authenticate checks a session's tokens against its account document. An
// expired access token is refreshed: the returned Session then carries the
// new pair, which the caller must store. Any failure matches ErrUnauthenticated
// except errors of Redis itself.
//
// The account document is the one read along with the session when the
// request allowed it (WithAccountPrefetch) and it is this session's account;
// otherwise it is read now.
func (s *Service) Authenticate(ctx context.Context, sess Session) (Session, error) {
	var d accountDoc
	var err error
	p := prefetchFrom(ctx)
	if get, ok := p.take(sess.Tokens.AccountID); ok {
		d, err = decodeAccount(sess.Tokens.AccountID, get)
	} else {
		d, err = s.tokens.get(ctx, s.tokens.rdb, sess.Tokens.AccountID)
	}
	if errors.Is(err, ErrNotFound) {
		return Session{}, fmt.Errorf("accounts: authenticate: %w: %w", err, ErrUnauthenticated)
	}
	if err != nil {
		return Session{}, err
	}
	if d.UserID != sess.User.ID {
		return Session{}, fmt.Errorf("accounts: authenticate: account %s is not user %s's: %w", sess.Tokens.AccountID, sess.User.ID, ErrUnauthenticated)
	}
	p.learn(sess.Tokens.AccountID)
	now := s.now()
	switch {
	case matches(d.TokenHash, sess.Tokens.Token) && now.Before(d.TokenExpiresOn.Time()):
		return sess, nil
	case d.inGrace(now, s.tokens.grace) && matches(d.PrevTokenHash, sess.Tokens.Token):
		return sess, nil // another request just refreshed; its session write wins
	}
	return s.Refresh(ctx, sess)
}

// Refresh replaces the session's token pair. Presenting a refresh token that
// was already replaced revokes the account's tokens (ErrTokenReused).
func (s *Service) Refresh(ctx context.Context, sess Session) (Session, error) {
	t, err := s.tokens.rotate(ctx, sess.Tokens, s.now())
	switch {
	case errors.Is(err, errRotatedConcurrently):
		return sess, nil
	case errors.Is(err, ErrTokenReused):
		s.log.WarnContext(ctx, "accounts: refresh token reused; tokens revoked", "user", sess.User.ID, "account", sess.Tokens.AccountID)
		return Session{}, err
	case errors.Is(err, ErrNotFound):
		return Session{}, fmt.Errorf("accounts: refresh: %w: %w", err, ErrUnauthenticated)
	case err != nil:
		return Session{}, err
	}
	sess.Tokens = t
	return sess, nil
}

// Logout revokes the session's tokens.
func (s *Service) Logout(ctx context.Context, sess Session) error {
	return s.tokens.revoke(ctx, sess.Tokens.AccountID)
}
