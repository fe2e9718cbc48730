package accounts

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// The limits the sign-up form also checks (web/src/lib/validation.js); they
// count Unicode code points.
const (
	UsernameMin = 3
	UsernameMax = 32
	PasswordMin = 8
	PasswordMax = 1024
)

// username is a validated name: Display as the user typed it (NFKC) and
// Folded, the case-insensitive form that must be unique.
type username struct {
	Display string
	Folded  string
}

// parseUsername normalizes with NFKC so that look-alike encodings of one
// name ("ｂｏｂ", "bob") are one name, and allows letters, digits and . _ -
// so that names cannot hide spaces or control characters.
func parseUsername(raw string) (username, error) {
	if !utf8.ValidString(raw) {
		return username{}, invalid("The username is not valid text.")
	}
	name := norm.NFKC.String(strings.TrimSpace(raw))
	n := utf8.RuneCountInString(name)
	if n < UsernameMin || n > UsernameMax {
		return username{}, invalid("Usernames have %d to %d characters.", UsernameMin, UsernameMax)
	}
	for i, r := range name {
		lead := unicode.IsLetter(r) || unicode.IsDigit(r)
		// Marks (accents, vowel signs) belong to the letter before them.
		follow := unicode.IsMark(r) || r == '.' || r == '_' || r == '-'
		if !lead && (i == 0 || !follow) {
			return username{}, invalid("Usernames may use letters, digits, '.', '_' and '-', and start with a letter or digit.")
		}
	}
	// Folding can leave a string that is no longer NFKC ("ǰ" folds to j +
	// combining caron), so normalize again.
	folded := norm.NFKC.String(cases.Fold().String(name))
	return username{Display: name, Folded: folded}, nil
}

// parsePassword normalizes with NFKC so a password typed on another keyboard
// or OS (which may compose characters differently) still matches.
func parsePassword(raw string) (string, error) {
	if !utf8.ValidString(raw) {
		return "", invalid("The password is not valid text.")
	}
	// Count what the person typed, as the form does: NFKC may lengthen it.
	if n := utf8.RuneCountInString(raw); n < PasswordMin || n > PasswordMax {
		return "", invalid("Passwords have %d to %d characters.", PasswordMin, PasswordMax)
	}
	return norm.NFKC.String(raw), nil
}
