package httpapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/beatsbyredis/beats/internal/accounts"
)

// loadSession loads the request's session and saves it when the response
// starts (scs LoadAndSave). Routes that need no session go without it, and
// so does the WebSocket: the socket would live for hours behind a wrapped
// ResponseWriter and then save a stale copy of the session when it closes.
// The socket route checks the session itself (requireSocketUser).
func (s *Server) loadSession(next http.Handler) http.Handler {
	if s.Sessions == nil {
		return next
	}
	return s.Sessions.LoadAndSave(next)
}

// loadLogin is loadSession for routes that check the login: the session's
// account document is read in the same round trip as the session
// (accounts.WithAccountPrefetch), which authenticate then checks.
func (s *Server) loadLogin(next http.Handler) http.Handler {
	load := s.loadSession(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		load.ServeHTTP(w, r.WithContext(accounts.WithAccountPrefetch(r.Context())))
	})
}

// requireUser lets a request through with a live login, its user in the
// context (accounts.UserFrom); else 401 {"error": "login required"}.
func (s *Server) requireUser(next http.Handler) http.Handler {
	return s.handle(func(w http.ResponseWriter, r *http.Request) error {
		ctx, _, err := s.authenticate(r)
		if err != nil {
			return err
		}
		next.ServeHTTP(w, r.WithContext(ctx))
		return nil
	})
}

// requirePage is requireUser for pages: without a login it redirects to /login.
func (s *Server) requirePage(next http.Handler) http.Handler {
	return s.handle(func(w http.ResponseWriter, r *http.Request) error {
		ctx, _, err := s.authenticate(r)
		if errors.Is(err, accounts.ErrUnauthenticated) {
			http.Redirect(w, r, "/login", http.StatusSeeOther)
			return nil
		}
		if err != nil {
			return err
		}
		next.ServeHTTP(w, r.WithContext(ctx))
		return nil
	})
}

// requireSocketUser is requireUser for the WebSocket. Its request has no
// LoadAndSave (see loadSession), so the handler gets a ResponseWriter scs
// has not wrapped to hijack; authenticate loads the session from the cookie
// itself and saves it only when it refreshed the tokens.
// It also names the request's login (accounts.WithLoginRef), for the
// socket to be closed when that login ends.
func (s *Server) requireSocketUser(next http.Handler) http.Handler {
	return s.requireUser(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		sess, _ := accounts.SessionFrom(ctx, s.Sessions)
		ctx = accounts.WithLoginRef(ctx, accounts.LoginRef{AccountID: sess.Tokens.AccountID, SessionID: accounts.SessionID(s.Sessions.Token(ctx))})
		next.ServeHTTP(w, r.WithContext(ctx))
	}))
}

// authenticate checks the login in the request's session against its
// account document, refreshing an expired access token. It returns the
// request's context with the session loaded and the user added.
func (s *Server) authenticate(r *http.Request) (context.Context, accounts.User, error) {
	if s.Accounts == nil || s.Sessions == nil {
		return nil, accounts.User{}, fmt.Errorf("httpapi: no accounts configured: %w", accounts.ErrUnauthenticated)
	}
	var token string
	if c, err := r.Cookie(s.Sessions.Cookie.Name); err == nil {
		token = c.Value
	}
	// Load returns ctx as it is when loadSession has loaded the session;
	// else (the socket route) it loads it here, with the account along.
	ctx, err := s.Sessions.Load(accounts.WithAccountPrefetch(r.Context()), token)
	if err != nil {
		return nil, accounts.User{}, fmt.Errorf("httpapi: load session: %w", err)
	}
	sess, ok := accounts.SessionFrom(ctx, s.Sessions)
	if !ok {
		return nil, accounts.User{}, fmt.Errorf("httpapi: session holds no login: %w", accounts.ErrUnauthenticated)
	}
	fresh, err := s.Accounts.Authenticate(ctx, sess)
	if errors.Is(err, accounts.ErrUnauthenticated) {
		// The login behind the session is gone (logged out, expired, revoked):
		// drop the session too, which clears the cookie.
		if derr := s.Sessions.Destroy(ctx); derr != nil {
			s.log.WarnContext(ctx, "drop session", "err", derr)
		}
		return nil, accounts.User{}, err
	}
	if err != nil {
		return nil, accounts.User{}, err
	}
	if fresh.Tokens != sess.Tokens {
		accounts.PutSession(ctx, s.Sessions, fresh)
		// Save now rather than when the response starts, so this session's
		// other requests see the new pair as soon as possible (and the socket
		// route, which has no LoadAndSave, saves at all).
		if _, _, err := s.Sessions.Commit(ctx); err != nil {
			return nil, accounts.User{}, fmt.Errorf("httpapi: save refreshed session: %w", err)
		}
	}
	return accounts.WithUser(ctx, fresh.User), fresh.User, nil
}
