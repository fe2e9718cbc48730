package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"

	"github.com/beatsbyredis/beats/internal/accounts"
)

// AccountManager is what the account page's routes need besides logins
// (*accounts.Service). Each action asks for the current password again.
type AccountManager interface {
	ChangePassword(ctx context.Context, sess accounts.Session, ip, current, next string) (accounts.Session, error)
	LogoutAll(ctx context.Context, sess accounts.Session, ip, password string) error
	EndSession(ctx context.Context, sess accounts.Session, ip, password, id string) error
	Sessions(ctx context.Context, sess accounts.Session) ([]accounts.SessionInfo, error)
}

// POST /account/password {current, new}: sets a new password; every other
// session of the user ends and this one gets fresh tokens.
func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) error {
	var body struct {
		Current string `json:"current"`
		New     string `json:"new"`
	}
	sess, err := s.loggedIn(w, r, &body)
	if err != nil {
		return err
	}
	fresh, err := s.Accounts.ChangePassword(r.Context(), sess, s.clientIP(r), body.Current, body.New)
	if err != nil {
		return err
	}
	accounts.PutSession(r.Context(), s.Sessions, fresh)
	return writeJSON(w, http.StatusOK, userBody{User: fresh.User})
}

// POST /account/logout-all {password}: ends every session of the user,
// this one included.
func (s *Server) logoutAll(w http.ResponseWriter, r *http.Request) error {
	var body struct {
		Password string `json:"password"`
	}
	sess, err := s.loggedIn(w, r, &body)
	if err != nil {
		return err
	}
	if err := s.Accounts.LogoutAll(r.Context(), sess, s.clientIP(r), body.Password); err != nil {
		return err
	}
	return s.endedHere(w, r)
}

// GET /account/sessions: the user's live sessions, newest first.
func (s *Server) listSessions(w http.ResponseWriter, r *http.Request) error {
	sess, err := s.loggedIn(w, r, nil)
	if err != nil {
		return err
	}
	list, err := s.Accounts.Sessions(r.Context(), sess)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"sessions": list})
}

// DELETE /account/sessions/{id} {password}: ends one of the user's sessions.
func (s *Server) endSession(w http.ResponseWriter, r *http.Request) error {
	var body struct {
		Password string `json:"password"`
	}
	sess, err := s.loggedIn(w, r, &body)
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	if err := s.Accounts.EndSession(r.Context(), sess, s.clientIP(r), body.Password, id); err != nil {
		return err
	}
	if id == sess.Tokens.AccountID {
		return s.endedHere(w, r)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// endedHere answers an action that ended the caller's own session: its
// cookie is cleared, and the answer is 204.
func (s *Server) endedHere(w http.ResponseWriter, r *http.Request) error {
	if err := s.Sessions.Destroy(r.Context()); err != nil {
		return fmt.Errorf("httpapi: delete session: %w", err)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// loggedIn returns the request's login (checked by requireUser) and, when
// body is not nil, reads the JSON request body into it.
func (s *Server) loggedIn(w http.ResponseWriter, r *http.Request, body any) (accounts.Session, error) {
	sess, ok := accounts.SessionFrom(r.Context(), s.Sessions)
	if !ok {
		return accounts.Session{}, accounts.ErrUnauthenticated
	}
	if body == nil {
		return sess, nil
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxAccountBody)
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct != "application/json" {
		return accounts.Session{}, &Error{Status: http.StatusUnsupportedMediaType, Message: "send JSON"}
	}
	dec := json.NewDecoder(r.Body)
	if err := dec.Decode(body); err != nil {
		return accounts.Session{}, bodyError(err)
	}
	if err := dec.Decode(&struct{}{}); !errors.Is(err, io.EOF) {
		return accounts.Session{}, BadRequest("malformed request body: one JSON object expected")
	}
	return sess, nil
}
