package accounts

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/trustelem/zxcvbn/frequency"
	"golang.org/x/text/unicode/norm"
)

// The password rule (ASVS 4.0 V2.1), which the sign-up form shows and
// checks too (web/src/lib/validation.js): 12 to 1,024 characters, any
// Unicode (spaces and emoji too), no composition rules, and not one of the
// most common passwords. Runs of spaces count as one character.
const (
	PasswordMin = 12
	PasswordMax = 1024
)

// commonPasswords is zxcvbn's list of the 30,000 most common passwords
// (github.com/trustelem/zxcvbn/frequency, MIT, the Go port of Dropbox's
// zxcvbn 4.4.2, whose list ranks Mark Burnett's ten million leaked
// passwords), lower case. It is compiled into the binary.
var commonPasswords = sync.OnceValue(func() map[string]struct{} {
	list := frequency.FrequencyLists["passwords"]
	set := make(map[string]struct{}, len(list))
	for _, p := range list {
		set[p] = struct{}{}
	}
	return set
})

// isCommonPassword reports whether pw (normalized) is on the list, in any case.
func isCommonPassword(pw string) bool {
	_, ok := commonPasswords()[strings.ToLower(pw)]
	return ok
}

// passwordLength counts code points as typed, a run of whitespace as one.
func passwordLength(s string) int {
	n, space := 0, false
	for _, r := range s {
		if unicode.IsSpace(r) {
			if space {
				continue
			}
			space = true
		} else {
			space = false
		}
		n++
	}
	return n
}

// parseNewPassword checks a password being set (registration, a change)
// against the rule, and normalizes it with NFKC so that one typed on another
// keyboard or OS (which may compose characters differently) still matches.
// un is the user's name, which the password must not be.
func parseNewPassword(raw string, un username) (string, error) {
	if !utf8.ValidString(raw) {
		return "", invalid("The password is not valid text.")
	}
	// Count what the person typed, as the form does: NFKC may lengthen it.
	if n := passwordLength(raw); n < PasswordMin || utf8.RuneCountInString(raw) > PasswordMax {
		return "", invalid("Passwords have %d to %d characters.", PasswordMin, PasswordMax)
	}
	pw := norm.NFKC.String(raw)
	if isCommonPassword(pw) {
		return "", invalid("That password is one of the most common ones, which are guessed first. Choose another: a few unrelated words make a good one.")
	}
	if strings.EqualFold(pw, un.Display) || strings.EqualFold(pw, un.Folded) {
		return "", invalid("The password must not be your username.")
	}
	return pw, nil
}

// parseLoginPassword reads a password being checked. Passwords set before
// the rule above was stricter still log in, so only the bounds apply.
func parseLoginPassword(raw string) (string, error) {
	if !utf8.ValidString(raw) {
		return "", invalid("The password is not valid text.")
	}
	if n := utf8.RuneCountInString(raw); n == 0 || n > PasswordMax {
		return "", invalid("Passwords have at most %d characters.", PasswordMax)
	}
	return norm.NFKC.String(raw), nil
}
