package accounts

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/redis/go-redis/v9"
)

// Session lifetimes: a session dies after an idle hour (the contract's TTL of
// 3600 s, renewed by each request) and at the latest when its login does
// (LoginLifetime, or --remember-for with "Keep me signed in"): that end is
// the document's "deadline", which the store enforces.
const (
	SessionIdle = time.Hour
	CookieName  = "beats_session"
	// SecureCookieName is the cookie's name over HTTPS. The __Host- prefix
	// makes browsers accept it only when Secure, for Path=/ and without a
	// Domain, so neither a subdomain nor a plain-HTTP page can plant or
	// shadow it.
	SecureCookieName = "__Host-" + CookieName
)

// NewSessionManager returns the app's scs manager: JSON session documents in
// Redis, an HttpOnly SameSite=Lax cookie, Secure and __Host- prefixed when
// secure is set. The cookie lasts the browser's session unless the login
// asked to be remembered (PutLogin).
// The store is keyed by the SHA-256 of the cookie, so reading Redis does not
// hand out working cookies.
func NewSessionManager(rdb redis.UniversalClient, secure bool) *scs.SessionManager {
	sm := scs.New()
	sm.Store = NewSessionStore(rdb)
	sm.Codec = JSONCodec{}
	// The idle hour is kept by the store (each read renews the key's TTL),
	// not by scs's IdleTimeout: that would mark every session modified and
	// rewrite it on every request, one more round trip each time.
	sm.Lifetime = LoginLifetime
	sm.HashTokenInStore = true
	sm.Cookie.Name = CookieName
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Path = "/"
	sm.Cookie.Persist = false // no Max-Age unless RememberMe
	sm.Cookie.Secure = secure
	if secure {
		sm.Cookie.Name = SecureCookieName
	}
	return sm
}

// SessionID is the id under which the store keeps the session whose cookie
// is token (session:<id>): its SHA-256, as scs hashes it.
func SessionID(token string) string {
	sum := sha256.Sum256([]byte(token))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// Session is what a logged-in session holds: who, and the tokens that prove
// it; and, for a new login, how it was made.
type Session struct {
	User     User
	Tokens   Tokens
	Remember bool // "Keep me signed in"

	// A new login's origin, for the sessions list (PutLogin writes them).
	Since              time.Time
	Address, UserAgent string
}

// The session document's fields: the contract's four, and ours.
const (
	fieldToken            = "token"
	fieldRefresh          = "refresh"
	fieldTokenExpiresOn   = "tokenExpiresOn"
	fieldRefreshExpiresOn = "refreshExpiresOn"
	fieldAccountID        = "accountId"
	fieldUserID           = "userId"
	fieldUsername         = "username"
	fieldCreated          = "created"
	fieldLastSeen         = "lastSeen"
	fieldAddress          = "address"
	fieldUserAgent        = "userAgent"
	fieldRemember         = "__rememberMe" // scs's own name for RememberMe
)

// PutLogin stores a new login in the request's session (loaded by sm): the
// session ends when the login does, and its cookie outlives the browser
// only when the login is remembered.
func PutLogin(ctx context.Context, sm *scs.SessionManager, s Session) {
	PutSession(ctx, sm, s)
	sm.Put(ctx, fieldCreated, isoTime(s.Since))
	sm.Put(ctx, fieldLastSeen, isoTime(s.Since))
	sm.Put(ctx, fieldAddress, s.Address)
	sm.Put(ctx, fieldUserAgent, s.UserAgent)
	sm.RememberMe(ctx, s.Remember)
	sm.SetDeadline(ctx, s.Tokens.RefreshExpiresOn)
}

// PutSession stores s's user and tokens in the request's session (loaded by
// sm), after a login or a refresh.
func PutSession(ctx context.Context, sm *scs.SessionManager, s Session) {
	sm.Put(ctx, fieldToken, s.Tokens.Token)
	sm.Put(ctx, fieldRefresh, s.Tokens.Refresh)
	sm.Put(ctx, fieldTokenExpiresOn, isoTime(s.Tokens.TokenExpiresOn))
	sm.Put(ctx, fieldRefreshExpiresOn, isoTime(s.Tokens.RefreshExpiresOn))
	sm.Put(ctx, fieldAccountID, s.Tokens.AccountID)
	sm.Put(ctx, fieldUserID, s.User.ID)
	sm.Put(ctx, fieldUsername, s.User.Username)
}

// SessionFrom reads the login from the request's session; ok is false when
// it holds none. The tokens still have to be checked (Service.Authenticate).
func SessionFrom(ctx context.Context, sm *scs.SessionManager) (s Session, ok bool) {
	s = Session{
		User: User{ID: sm.GetString(ctx, fieldUserID), Username: sm.GetString(ctx, fieldUsername)},
		Tokens: Tokens{
			AccountID: sm.GetString(ctx, fieldAccountID),
			Token:     sm.GetString(ctx, fieldToken),
			Refresh:   sm.GetString(ctx, fieldRefresh),
		},
		Remember: sm.GetBool(ctx, fieldRemember),
	}
	var errA, errR error
	s.Tokens.TokenExpiresOn, errA = time.Parse(isoLayout, sm.GetString(ctx, fieldTokenExpiresOn))
	s.Tokens.RefreshExpiresOn, errR = time.Parse(isoLayout, sm.GetString(ctx, fieldRefreshExpiresOn))
	if s.User.ID == "" || s.Tokens.AccountID == "" || s.Tokens.Token == "" || s.Tokens.Refresh == "" || errA != nil || errR != nil {
		return Session{}, false
	}
	return s, true
}

type userKey struct{}

// WithUser returns ctx carrying the logged-in user.
func WithUser(ctx context.Context, u User) context.Context {
	return context.WithValue(ctx, userKey{}, u)
}

// UserFrom returns the logged-in user put in ctx by WithUser.
func UserFrom(ctx context.Context) (User, bool) {
	u, ok := ctx.Value(userKey{}).(User)
	return u, ok
}
