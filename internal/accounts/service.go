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

// Token and login lifetimes.
const (
	AccessTTL = time.Hour
	// LoginLifetime is how long a login without "Keep me signed in" lasts,
	// however active (ASVS 3.3.2's 12 hours).
	LoginLifetime = 12 * time.Hour
	// DefaultRememberFor is how long a "Keep me signed in" login lasts
	// (--remember-for).
	DefaultRememberFor = 30 * 24 * time.Hour
	// refreshGrace is how long the pair replaced by a refresh stays valid,
	// for requests of the same session that were running when it happened.
	refreshGrace = 30 * time.Second
	// maxUserAgent bounds the user agent kept for the sessions list.
	maxUserAgent = 256
)

// Options tune a Service; the zero value is production's.
type Options struct {
	Params        Params        // argon2id costs; zero means OWASPParams
	HashSlots     int           // hashes at once; 0 means one per CPU
	HashQueue     int           // hashes waiting for a slot before ErrBusy; 0 means 4 per slot
	LoginLimits   LoginLimits   // zero means DefaultLoginLimits
	RegisterLimit Limit         // registrations per IP; zero means 20 an hour
	RememberFor   time.Duration // lifetime of a remembered login; 0 means DefaultRememberFor
	Now           func() time.Time
	Logger        *slog.Logger
}

// Service is the accounts API used by the HTTP handlers.
type Service struct {
	rdb         redis.UniversalClient
	users       users
	tokens      tokenStore
	limiter     limiter
	hasher      *hasher
	login       LoginLimits
	register    Limit
	rememberFor time.Duration
	now         func() time.Time
	log         *slog.Logger
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
	if o.LoginLimits == (LoginLimits{}) {
		o.LoginLimits = DefaultLoginLimits()
	}
	if o.RegisterLimit == (Limit{}) {
		o.RegisterLimit = Limit{Max: 20, Window: time.Hour}
	}
	if o.RememberFor <= 0 {
		o.RememberFor = DefaultRememberFor
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
		rdb:         rdb,
		users:       users{rdb: rdb},
		tokens:      tokenStore{rdb: rdb, accessTTL: AccessTTL, grace: refreshGrace},
		limiter:     limiter{rdb: rdb},
		hasher:      h,
		login:       o.LoginLimits,
		register:    o.RegisterLimit,
		rememberFor: o.RememberFor,
		now:         o.Now,
		log:         o.Logger,
	}, nil
}

// Prepare brings the data of older versions up to date (migrate.go). Call
// it once at start-up; it is idempotent and cheap once done.
func (s *Service) Prepare(ctx context.Context) error {
	if err := claimSkeletons(ctx, s.rdb); err != nil {
		return err
	}
	return listLogins(ctx, s.rdb)
}

// Attempt is one registration or login as the person sent it.
type Attempt struct {
	Username, Password string
	// Remember is "Keep me signed in": the login lasts Options.RememberFor
	// and its cookie outlives the browser; without it, LoginLifetime and a
	// cookie for the browser's session only.
	Remember bool
	// IP is the client's address, which the rate limits count against and
	// the sessions list shows; UserAgent is shown there too.
	IP, UserAgent string
}

// Register creates a user and logs them in.
func (s *Service) Register(ctx context.Context, a Attempt) (Session, error) {
	un, err := parseUsername(a.Username)
	if err != nil {
		return Session{}, err
	}
	pw, err := parseNewPassword(a.Password, un)
	if err != nil {
		return Session{}, err
	}
	if err := s.limiter.take(ctx, s.register, registerPrefix+a.IP); err != nil {
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
	if err := s.users.create(ctx, d, un.Skeleton); err != nil {
		return Session{}, err
	}
	s.log.InfoContext(ctx, "accounts: registered", "user", d.ID, "username", d.Username)
	return s.start(ctx, d.user(), a)
}

// Login checks a username and password and starts a new token pair. Every
// failure is ErrInvalidCredentials after about the same time, whether the
// name exists or not. Attempts are limited per address, per address and
// name, and slowed per name (LoginLimits).
func (s *Service) Login(ctx context.Context, a Attempt) (Session, error) {
	un, err := parseUsername(a.Username)
	if err != nil {
		// No such user can exist: count against the address, nothing to time.
		if err := s.limiter.take(ctx, s.login.PerAddress, loginIPPrefix+a.IP); err != nil {
			return Session{}, fmt.Errorf("accounts: login: %w", err)
		}
		return Session{}, fmt.Errorf("accounts: login: %w", ErrInvalidCredentials)
	}
	d, err := s.checkPassword(ctx, a.IP, un, a.Password, s.users.byName)
	if err != nil {
		return Session{}, err
	}
	sess, err := s.start(ctx, d.user(), a)
	if err != nil {
		return Session{}, err
	}
	// A password change that ran while this login was being checked has
	// ended the user's logins listed by then; a login it did not see must
	// not survive it.
	if phc, err := s.users.password(ctx, d.ID); err != nil || phc != d.Password {
		if lerr := s.Logout(ctx, sess); lerr != nil {
			s.log.WarnContext(ctx, "accounts: end a login that raced a password change", "user", d.ID, "err", lerr)
		}
		if err != nil {
			return Session{}, err
		}
		return Session{}, fmt.Errorf("accounts: login %s: password changed meanwhile: %w", un.Display, ErrInvalidCredentials)
	}
	return sess, nil
}

// checkPassword checks password for the user that find returns for un,
// within the login limits, and returns the user's document. Every failure
// is ErrInvalidCredentials (or a rate limit) after about the same time.
func (s *Service) checkPassword(ctx context.Context, ip string, un username, password string, find func(context.Context, string) (userDoc, error)) (userDoc, error) {
	counted, err := s.limiter.takeLogin(ctx, s.login, ip, un.Folded)
	if err != nil {
		return userDoc{}, fmt.Errorf("accounts: login %s: %w", un.Display, err)
	}
	pw, err := parseLoginPassword(password)
	if err != nil {
		return userDoc{}, fmt.Errorf("accounts: login %s: %w", un.Display, ErrInvalidCredentials)
	}
	d, err := find(ctx, un.Folded)
	if errors.Is(err, ErrNotFound) {
		if err := s.hasher.verifyDummy(ctx, pw); err != nil {
			return userDoc{}, fmt.Errorf("accounts: login %s: %w", un.Display, err)
		}
		return userDoc{}, fmt.Errorf("accounts: login %s: no such user: %w", un.Display, ErrInvalidCredentials)
	}
	if err != nil {
		return userDoc{}, err
	}
	ok, weak, err := s.hasher.verify(ctx, d.Password, pw)
	if err != nil {
		return userDoc{}, fmt.Errorf("accounts: login %s: %w", un.Display, err)
	}
	if !ok {
		return userDoc{}, fmt.Errorf("accounts: login %s: wrong password: %w", un.Display, ErrInvalidCredentials)
	}
	if err := s.limiter.refund(ctx, counted...); err != nil {
		s.log.WarnContext(ctx, "accounts: login", "user", d.ID, "err", err)
	}
	if weak {
		if phc, ok := s.rehash(ctx, d.ID, pw); ok {
			d.Password = phc
		}
	}
	return d, nil
}

// rehash upgrades a hash made with weaker parameters than today's; the
// login succeeds whether or not this does.
func (s *Service) rehash(ctx context.Context, id, pw string) (string, bool) {
	phc, err := s.hasher.hash(ctx, pw)
	if err == nil {
		err = s.users.setPassword(ctx, id, phc)
	}
	if err != nil {
		s.log.WarnContext(ctx, "accounts: upgrade password hash", "user", id, "err", err)
		return "", false
	}
	return phc, true
}

// start creates a new account document (token pair) for u, lasting as
// long as the attempt asked.
func (s *Service) start(ctx context.Context, u User, a Attempt) (Session, error) {
	lifetime := LoginLifetime
	if a.Remember {
		lifetime = s.rememberFor
	}
	now := s.now()
	t, err := s.tokens.create(ctx, u.ID, now, lifetime)
	if err != nil {
		return Session{}, err
	}
	ua := a.UserAgent
	if len(ua) > maxUserAgent {
		ua = ua[:maxUserAgent]
	}
	return Session{User: u, Tokens: t, Remember: a.Remember, Since: msUTC(now), Address: a.IP, UserAgent: ua}, nil
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
		s.published(ctx, sess.Tokens.AccountID)
		return Session{}, err
	case errors.Is(err, ErrNotFound):
		return Session{}, fmt.Errorf("accounts: refresh: %w: %w", err, ErrUnauthenticated)
	case err != nil:
		return Session{}, err
	}
	sess.Tokens = t
	return sess, nil
}

// Logout ends the session's login: its tokens, its session document, and
// its WebSockets on every instance.
func (s *Service) Logout(ctx context.Context, sess Session) error {
	return s.endLogins(ctx, sess.User.ID, sess.Tokens.AccountID)
}
