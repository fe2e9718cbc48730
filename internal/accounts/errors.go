package accounts

import (
	"errors"
	"fmt"
	"time"
)

var (
	// ErrNotFound: no such user or account document.
	ErrNotFound = errors.New("not found")
	// ErrInvalidCredentials is the one answer to a failed login, whether the
	// username exists or not.
	ErrInvalidCredentials = errors.New("invalid username or password")
	// ErrUsernameTaken: another user has this name, compared case-insensitively.
	ErrUsernameTaken = errors.New("username is taken")
	// ErrUsernameLookalike: another user's name looks the same (UTS #39
	// confusables: "аlice" with a Cyrillic а beside "alice"). It matches
	// ErrUsernameTaken.
	ErrUsernameLookalike = fmt.Errorf("%w: it looks like another user's name", ErrUsernameTaken)
	// ErrWrongPassword: a logged-in user confirming an action (a password
	// change, ending sessions) typed a wrong password. Unlike
	// ErrInvalidCredentials it is no sign of a lost session.
	ErrWrongPassword = errors.New("wrong password")
	// ErrInvalidInput is matched by every *InputError.
	ErrInvalidInput = errors.New("invalid input")
	// ErrUnauthenticated: no live login behind the session.
	ErrUnauthenticated = errors.New("login required")
	// ErrTokenReused: a refresh token was presented after it had been
	// replaced, so a copy of it exists somewhere; the account's tokens are
	// revoked. It matches ErrUnauthenticated.
	ErrTokenReused = fmt.Errorf("%w: refresh token reused, tokens revoked", ErrUnauthenticated)
	// ErrRateLimited is matched by every *RateLimitError.
	ErrRateLimited = errors.New("too many attempts")
	// ErrBusy: too many password hashes are running or waiting; try shortly.
	ErrBusy = errors.New("too many password hashes in progress")
)

// The sentinels carry no "accounts:" prefix: they are always returned
// wrapped in one.

// InputError says what is wrong with a username or password, in words for
// the person who typed it.
type InputError struct{ Message string }

func (e *InputError) Error() string        { return e.Message }
func (e *InputError) Is(target error) bool { return target == ErrInvalidInput }

func invalid(format string, args ...any) error {
	return &InputError{Message: fmt.Sprintf(format, args...)}
}

// RateLimitError refuses an attempt until RetryAfter has passed.
type RateLimitError struct{ RetryAfter time.Duration }

func (e *RateLimitError) Error() string {
	return fmt.Sprintf("accounts: too many attempts, retry in %s", e.RetryAfter.Round(time.Second))
}
func (e *RateLimitError) Is(target error) bool { return target == ErrRateLimited }
