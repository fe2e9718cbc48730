package accounts

import (
	"context"
	"errors"
	"fmt"
	"slices"
)

// Password management for a logged-in user (ASVS 2.1.5, 2.1.6, 3.3.4):
// each action asks for the current password again, within the login limits.

// confirm checks that password is sess's user's, counting the attempt like
// a login from ip; a wrong one is ErrWrongPassword.
func (s *Service) confirm(ctx context.Context, sess Session, ip, password string) (userDoc, error) {
	d, err := s.users.byID(ctx, sess.User.ID)
	if err != nil {
		return userDoc{}, err
	}
	un := username{Display: d.Username, Folded: d.Folded}
	d, err = s.checkPassword(ctx, ip, un, password, func(context.Context, string) (userDoc, error) { return d, nil })
	if errors.Is(err, ErrInvalidCredentials) {
		return userDoc{}, fmt.Errorf("accounts: confirm %s: %w", un.Display, ErrWrongPassword)
	}
	return d, err
}

// ChangePassword sets a new password after checking the current one. Every
// other session of the user ends; this one gets a fresh token pair, which
// the caller must store (the replaced pair lives on for requests already
// running, as after a refresh: tokens never leave the session document).
func (s *Service) ChangePassword(ctx context.Context, sess Session, ip, current, next string) (Session, error) {
	d, err := s.confirm(ctx, sess, ip, current)
	if err != nil {
		return Session{}, err
	}
	pw, err := parseNewPassword(next, username{Display: d.Username, Folded: d.Folded})
	if err != nil {
		return Session{}, err
	}
	phc, err := s.hasher.hash(ctx, pw)
	if err != nil {
		return Session{}, fmt.Errorf("accounts: change password of %s: %w", d.ID, err)
	}
	if err := s.users.setPassword(ctx, d.ID, phc); err != nil {
		return Session{}, err
	}
	// After the new hash is stored: a login checked against the old one
	// either is listed by now or sees the change (Login).
	others, err := s.loginIDs(ctx, d.ID, sess.Tokens.AccountID)
	if err == nil {
		err = s.endLogins(ctx, d.ID, others...)
	}
	if err != nil {
		return Session{}, err
	}
	s.log.InfoContext(ctx, "accounts: password changed", "user", d.ID, "ended", len(others))
	return s.Refresh(ctx, sess)
}

// LogoutAll ends every session of sess's user, this one included, after
// checking the password.
func (s *Service) LogoutAll(ctx context.Context, sess Session, ip, password string) error {
	if _, err := s.confirm(ctx, sess, ip, password); err != nil {
		return err
	}
	ids, err := s.loginIDs(ctx, sess.User.ID, "")
	if err != nil {
		return err
	}
	if !slices.Contains(ids, sess.Tokens.AccountID) { // a login older than the list
		ids = append(ids, sess.Tokens.AccountID)
	}
	return s.endLogins(ctx, sess.User.ID, ids...)
}

// EndSession ends one session of sess's user (id as Sessions lists it)
// after checking the password; ErrNotFound when the user has no such session.
func (s *Service) EndSession(ctx context.Context, sess Session, ip, password, id string) error {
	if _, err := s.confirm(ctx, sess, ip, password); err != nil {
		return err
	}
	listed, err := s.rdb.HExists(ctx, loginsKey(sess.User.ID), id).Result()
	if err != nil {
		return fmt.Errorf("accounts: end session %s: %w", id, err)
	}
	if !listed && id != sess.Tokens.AccountID {
		return fmt.Errorf("accounts: end session %s: %w", id, ErrNotFound)
	}
	return s.endLogins(ctx, sess.User.ID, id)
}
