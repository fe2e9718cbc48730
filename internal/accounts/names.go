package accounts

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mtibben/confusables"
	"golang.org/x/text/cases"
	"golang.org/x/text/secure/precis"
	"golang.org/x/text/unicode/norm"
)

// The limits the sign-up form also checks (web/src/lib/validation.js); they
// count Unicode code points.
const (
	UsernameMin = 3
	UsernameMax = 32
)

// username is a validated name: Display as the user typed it, Folded, the
// case-insensitive form that logins look up and that is unique, and
// Skeleton, which look-alike names share.
type username struct {
	Display  string
	Folded   string
	Skeleton string
}

var errUsernameChars = invalid("Usernames may use letters, digits, '.', '_' and '-', and start with a letter or digit.")

// parseUsername applies the PRECIS username profiles (RFC 8265): widths are
// mapped ("ｂｏｂ" is "bob"), the result is NFC, and characters that have no
// place in an identifier (spaces, controls, symbols, compatibility forms)
// are refused. On top of that a name is letters, digits and . _ -, so it
// cannot hide punctuation that looks like something else.
func parseUsername(raw string) (username, error) {
	if !utf8.ValidString(raw) {
		return username{}, invalid("The username is not valid text.")
	}
	raw = strings.TrimSpace(raw)
	name, err := precis.UsernameCasePreserved.String(raw)
	length := utf8.RuneCountInString(name)
	if err != nil {
		length = utf8.RuneCountInString(raw)
	}
	if length < UsernameMin || length > UsernameMax {
		return username{}, invalid("Usernames have %d to %d characters.", UsernameMin, UsernameMax)
	}
	if err != nil {
		return username{}, errUsernameChars
	}
	for i, r := range name {
		lead := unicode.IsLetter(r) || unicode.IsDigit(r)
		// Marks (accents, vowel signs) belong to the letter before them.
		follow := unicode.IsMark(r) || r == '.' || r == '_' || r == '-'
		if !lead && (i == 0 || !follow) {
			return username{}, errUsernameChars
		}
	}
	mapped, err := precis.UsernameCaseMapped.String(raw)
	if err != nil {
		return username{}, errUsernameChars
	}
	// Full case folding on top of PRECIS's lower case also makes "Straße"
	// and "STRASSE" one name, and keeps the folded names (and so the
	// username: keys) of users who registered before PRECIS. Folding can
	// leave a string that is no longer normalized ("ǰ" folds to j +
	// combining caron), so normalize again.
	folded := norm.NFKC.String(cases.Fold().String(mapped))
	return username{Display: name, Folded: folded, Skeleton: skeleton(folded)}, nil
}

// skeleton is the UTS #39 confusable skeleton of a folded name: names that
// look alike ("alice" and "аlice" with a Cyrillic а, "bob" and "b0b") share
// it. The skeleton maps some characters to capitals ("0" to "O"), so it is
// lower-cased again. It is a key for comparison, never shown.
func skeleton(folded string) string {
	return norm.NFC.String(strings.ToLower(confusables.Skeleton(folded)))
}
