package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/beatsbyredis/beats/internal/accounts"
	"github.com/beatsbyredis/beats/internal/purchases"
	"github.com/beatsbyredis/beats/internal/watchlist"
)

// Error is an error with the HTTP status and message a client should see.
type Error struct {
	Status     int
	Message    string
	RetryAfter time.Duration // sent as Retry-After with 429 and 503
}

func (e *Error) Error() string { return e.Message }

// BadRequest is a 400 with a message for the client.
func BadRequest(msg string) error { return &Error{Status: http.StatusBadRequest, Message: msg} }

// handlerFunc is a handler that returns its error instead of writing it.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// handle adapts a handlerFunc, sending any error through writeError.
func (s *Server) handle(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.writeError(w, r, err)
		}
	})
}

// statusOf is the one place that maps errors to HTTP statuses.
func statusOf(err error) (status int, msg string, retryAfter time.Duration) {
	var he *Error
	switch {
	case errors.As(err, &he):
		return he.Status, he.Message, he.RetryAfter
	case errors.Is(err, purchases.ErrNotFound):
		return http.StatusNotFound, "not found", 0
	case errors.Is(err, purchases.ErrBadQuery), errors.Is(err, watchlist.ErrBadTerm), errors.Is(err, watchlist.ErrBadCursor):
		return http.StatusBadRequest, err.Error(), 0
	case errors.Is(err, watchlist.ErrNotFound):
		return http.StatusNotFound, "not found", 0
	case errors.Is(err, watchlist.ErrTooMany):
		return http.StatusConflict, fmt.Sprintf("you watch %d terms already: remove one first", watchlist.MaxTerms), 0
	case errors.Is(err, accounts.ErrRateLimited):
		retry := time.Minute
		if rl, ok := errors.AsType[*accounts.RateLimitError](err); ok {
			retry = rl.RetryAfter
		}
		return http.StatusTooManyRequests, "too many attempts, try again later", retry
	case errors.Is(err, accounts.ErrInvalidInput):
		if in, ok := errors.AsType[*accounts.InputError](err); ok {
			return http.StatusBadRequest, in.Message, 0
		}
		return http.StatusBadRequest, "invalid username or password format", 0
	case errors.Is(err, accounts.ErrInvalidCredentials): // one message: no hint whether the name exists
		return http.StatusUnauthorized, "invalid username or password", 0
	case errors.Is(err, accounts.ErrUsernameLookalike):
		return http.StatusConflict, "that username looks like one that is taken", 0
	case errors.Is(err, accounts.ErrUsernameTaken):
		return http.StatusConflict, "that username is taken", 0
	case errors.Is(err, accounts.ErrWrongPassword): // not 401: the session is fine
		return http.StatusForbidden, "wrong password", 0
	case errors.Is(err, accounts.ErrNotFound):
		return http.StatusNotFound, "not found", 0
	case errors.Is(err, accounts.ErrUnauthenticated):
		return http.StatusUnauthorized, "login required", 0
	case errors.Is(err, accounts.ErrBusy):
		return http.StatusServiceUnavailable, "too many logins at once, try again", time.Second
	case errors.Is(err, context.Canceled):
		return 499, "request canceled", 0 // the client went away; nginx's code
	case errors.Is(err, context.DeadlineExceeded):
		return http.StatusServiceUnavailable, "timed out, try again", time.Second
	}
	return http.StatusInternalServerError, "internal error", 0
}

// writeError answers {"error": msg} and logs server-side failures.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	status, msg, retryAfter := statusOf(err)
	if status >= 500 {
		s.log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "status", status, "err", err)
	} else {
		s.log.DebugContext(r.Context(), "request refused", "method", r.Method, "path", r.URL.Path, "status", status, "err", err)
	}
	if retryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int((retryAfter+time.Second-1)/time.Second)))
	}
	writeJSON(w, status, map[string]string{"error": msg})
}

// writeJSON sends v as JSON with status. It encodes before writing, so an
// encoding error can still become an error response; a failed write (the
// client went away) is only logged by the caller's server, never answered.
func writeJSON(w http.ResponseWriter, status int, v any) error {
	body, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("httpapi: encode response: %w", err)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(append(body, '\n'))
	return nil
}

// discardLogger is used when no logger is given.
var discardLogger = slog.New(slog.DiscardHandler)
