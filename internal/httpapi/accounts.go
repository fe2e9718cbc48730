package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/beatsbyredis/beats/internal/accounts"
)

// AccountService is what the account routes and login checks need
// (*accounts.Service).
type AccountService interface {
	Register(ctx context.Context, a accounts.Attempt) (accounts.Session, error)
	Login(ctx context.Context, a accounts.Attempt) (accounts.Session, error)
	Authenticate(ctx context.Context, sess accounts.Session) (accounts.Session, error)
	Refresh(ctx context.Context, sess accounts.Session) (accounts.Session, error)
	Logout(ctx context.Context, sess accounts.Session) error
	AccountManager
}

// maxAccountBody bounds what the account endpoints read: a username and a
// password of at most 1024 characters fit many times over.
const maxAccountBody = 16 << 10

// userBody is the answer about who is logged in.
type userBody struct {
	User accounts.User `json:"user"`
}

// POST /account/register {username, password}: creates the user and logs in.
func (s *Server) register(w http.ResponseWriter, r *http.Request) error {
	c, err := readCredentials(w, r)
	if err != nil {
		return err
	}
	sess, err := s.Accounts.Register(r.Context(), s.attempt(r, c))
	if err != nil {
		return err
	}
	return s.startSession(w, r, sess)
}

// POST /account/login {username, password}.
func (s *Server) login(w http.ResponseWriter, r *http.Request) error {
	c, err := readCredentials(w, r)
	if err != nil {
		return err
	}
	sess, err := s.Accounts.Login(r.Context(), s.attempt(r, c))
	if err != nil {
		return err
	}
	return s.startSession(w, r, sess)
}

// startSession puts a new login in the request's session under a new
// session id, so an id planted before login (fixation) is worthless after
// it. A login the session held before is revoked.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, sess accounts.Session) error {
	ctx := r.Context()
	if prev, ok := accounts.SessionFrom(ctx, s.Sessions); ok {
		if err := s.Accounts.Logout(ctx, prev); err != nil {
			s.log.WarnContext(ctx, "revoke the session's previous login", "err", err)
		}
	}
	err := s.Sessions.Clear(ctx)
	if err == nil {
		err = s.Sessions.RenewToken(ctx)
	}
	if err != nil {
		if lerr := s.Accounts.Logout(ctx, sess); lerr != nil {
			s.log.WarnContext(ctx, "revoke an unused login", "err", lerr)
		}
		return fmt.Errorf("httpapi: renew session: %w", err)
	}
	accounts.PutLogin(ctx, s.Sessions, sess)
	if wantsJSON(r) {
		return writeJSON(w, http.StatusOK, userBody{User: sess.User})
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
	return nil
}

// POST /account/refresh: replaces the token pair now. It answers the user
// and when the new pair expires; the tokens themselves stay in the session.
func (s *Server) refresh(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	sess, ok := accounts.SessionFrom(ctx, s.Sessions)
	if !ok {
		return accounts.ErrUnauthenticated
	}
	fresh, err := s.Accounts.Refresh(ctx, sess)
	if errors.Is(err, accounts.ErrUnauthenticated) {
		if derr := s.Sessions.Destroy(ctx); derr != nil {
			s.log.WarnContext(ctx, "drop session", "err", derr)
		}
	}
	if err != nil {
		return err
	}
	accounts.PutSession(ctx, s.Sessions, fresh)
	return writeJSON(w, http.StatusOK, struct {
		User             accounts.User `json:"user"`
		TokenExpiresOn   time.Time     `json:"tokenExpiresOn"`
		RefreshExpiresOn time.Time     `json:"refreshExpiresOn"`
	}{fresh.User, fresh.Tokens.TokenExpiresOn, fresh.Tokens.RefreshExpiresOn})
}

// POST /account/logout: revokes the tokens and deletes the session (a new
// id is issued on the next login). It needs no live login, so a stale page
// can always log out. JSON callers get 204, forms a redirect to /login.
func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if sess, ok := accounts.SessionFrom(ctx, s.Sessions); ok {
		if err := s.Accounts.Logout(ctx, sess); err != nil {
			return err
		}
	}
	if err := s.Sessions.Destroy(ctx); err != nil {
		return fmt.Errorf("httpapi: delete session: %w", err)
	}
	if wantsJSON(r) {
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	http.Redirect(w, r, "/login", http.StatusSeeOther)
	return nil
}

// GET /account/me: who is logged in.
func (s *Server) me(w http.ResponseWriter, r *http.Request) error {
	u, ok := accounts.UserFrom(r.Context())
	if !ok {
		return accounts.ErrUnauthenticated
	}
	return writeJSON(w, http.StatusOK, userBody{User: u})
}

// handleForm is handle for endpoints a plain HTML form may post to. JSON
// callers get errors as JSON; a form's refusal redirects back to its page as
// page?error=message (post/redirect/get: reloading does not post again).
// Server faults answer as errors either way.
func (s *Server) handleForm(page string, h handlerFunc) http.Handler {
	return s.handle(func(w http.ResponseWriter, r *http.Request) error {
		err := h(w, r)
		if err == nil || wantsJSON(r) {
			return err
		}
		status, msg, _ := statusOf(err)
		if status >= 500 {
			return err
		}
		s.log.DebugContext(r.Context(), "form refused", "path", r.URL.Path, "status", status, "err", err)
		http.Redirect(w, r, page+"?error="+url.QueryEscape(msg), http.StatusSeeOther)
		return nil
	})
}

// wantsJSON: the caller sent JSON or asked for it.
func wantsJSON(r *http.Request) bool {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return ct == "application/json" || strings.Contains(r.Header.Get("Accept"), "application/json")
}

type credentials struct {
	Username string `json:"username"`
	Password string `json:"password"`
	Remember bool   `json:"remember"` // "Keep me signed in"
}

// attempt is the login or registration c, from r's client.
func (s *Server) attempt(r *http.Request, c credentials) accounts.Attempt {
	return accounts.Attempt{Username: c.Username, Password: c.Password, Remember: c.Remember, IP: s.clientIP(r), UserAgent: r.UserAgent()}
}

// readCredentials reads {username, password, remember} from JSON or a
// urlencoded form (remember=on).
func readCredentials(w http.ResponseWriter, r *http.Request) (credentials, error) {
	r.Body = http.MaxBytesReader(w, r.Body, maxAccountBody)
	var c credentials
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "application/json":
		dec := json.NewDecoder(r.Body)
		if err := dec.Decode(&c); err != nil {
			return credentials{}, bodyError(err)
		}
		// One object and nothing after it: `{...}garbage` is not JSON.
		if _, err := dec.Token(); err != io.EOF {
			return credentials{}, bodyError(err)
		}
	case "application/x-www-form-urlencoded":
		if err := r.ParseForm(); err != nil {
			return credentials{}, bodyError(err)
		}
		c.Username, c.Password = r.PostForm.Get("username"), r.PostForm.Get("password")
		c.Remember = r.PostForm.Get("remember") == "on"
	default:
		return credentials{}, &Error{Status: http.StatusUnsupportedMediaType, Message: "send JSON or a form"}
	}
	return c, nil
}

func bodyError(err error) error {
	if tooBig, ok := errors.AsType[*http.MaxBytesError](err); ok {
		return &Error{Status: http.StatusRequestEntityTooLarge, Message: fmt.Sprintf("the body is over %d bytes", tooBig.Limit)}
	}
	return BadRequest("malformed request body")
}
