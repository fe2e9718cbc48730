package accounts

import (
	"context"
	"net/http"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/redis/go-redis/v9"
)

// Session lifetimes: a session dies after an idle hour (the contract's TTL of
// 3600 s, renewed by each request) and at the latest when its refresh
// token does.
const (
	SessionIdle     = time.Hour
	SessionLifetime = RefreshTTL
	CookieName      = "beats_session"
)

// NewSessionManager returns the app's scs manager: JSON session documents in
// Redis, an HttpOnly SameSite=Lax cookie, Secure when secure is set.
// The store is keyed by the SHA-256 of the cookie, so reading Redis does not
// hand out working cookies.
func NewSessionManager(rdb redis.UniversalClient, secure bool) *scs.SessionManager {
	sm := scs.New()
	sm.Store = NewSessionStore(rdb)
	sm.Codec = JSONCodec{}
	// The idle hour is kept by the store (each read renews the key's TTL),
	// not by scs's IdleTimeout: that would mark every session modified and
	// rewrite it on every request, one more round trip each time.
	sm.Lifetime = SessionLifetime
	sm.HashTokenInStore = true
	sm.Cookie.Name = CookieName
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Path = "/"
	sm.Cookie.Secure = secure
	return sm
}

// Session is what a logged-in session holds: who, and the tokens that prove it.
type Session struct {
	User   User
	Tokens Tokens
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
)

// PutSession stores s in the request's session (loaded by sm).
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
