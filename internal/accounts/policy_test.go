package accounts

import (
	"errors"
	"strings"
	"testing"
)

func TestParseNewPassword(t *testing.T) {
	alice := username{Display: "Alice", Folded: "alice"}
	tests := []struct {
		raw, want string
		err       string // a part of the message; "" when accepted
	}{
		{raw: "correct horse", want: "correct horse"},
		{raw: "12345678901", err: "12 to 1024 characters"}, // 11
		{raw: "horse staple", want: "horse staple"},        // 12
		{raw: "password1234", err: "most common"},
		{raw: "PassWord1234", err: "most common"},
		{raw: "QwertyAsdfgh", err: "most common"},
		{raw: "ｐａｓｓｗｏｒｄ１２３４", err: "most common"}, // NFKC first
		{raw: "a          b", err: "12 to 1024"},  // a run of spaces counts once
		{raw: "a b c d e f g", want: "a b c d e f g"},
		{raw: "🎵🎶🎸🥁🎹🎺🎻🪕🎷🪗🎤🎧", want: "🎵🎶🎸🥁🎹🎺🎻🪕🎷🪗🎤🎧"}, // any Unicode
		{raw: "пароль на лето", want: "пароль на лето"},
		{raw: "e\u0301e\u0301e\u0301e\u0301e\u0301e\u0301", want: "éééééé"}, // 12 code points typed
		{raw: strings.Repeat("x", 1024), want: strings.Repeat("x", 1024)},
		{raw: strings.Repeat("x", 1025), err: "12 to 1024"},
		{raw: "abcdefghijkl\xff", err: "not valid text"},
		{raw: "ALICEalice12", want: "ALICEalice12"},
	}
	for _, tt := range tests {
		got, err := parseNewPassword(tt.raw, alice)
		if tt.err != "" {
			if !errors.Is(err, ErrInvalidInput) || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("parseNewPassword(%.20q) = %v; want an InputError about %q", tt.raw, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("parseNewPassword(%.20q) = %q, %v; want %q", tt.raw, got, err, tt.want)
		}
	}
	long := username{Display: "correcthorsebattery", Folded: "correcthorsebattery"}
	if _, err := parseNewPassword("CorrectHorseBattery", long); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("the username as the password: %v; want refused", err)
	}
}

// ASVS 2.1.7 asks for a list of at least the top 10,000; it must also hold
// the long ones that pass the length rule.
func TestCommonPasswordList(t *testing.T) {
	if n := len(commonPasswords()); n < 10_000 {
		t.Fatalf("the common-password list has %d entries; want at least 10,000", n)
	}
	for _, pw := range []string{"123456", "password1234", "qwertyasdfgh", "1qaz2wsx3edc"} {
		if !isCommonPassword(pw) {
			t.Errorf("%q is not on the list", pw)
		}
	}
	if isCommonPassword("correct horse battery staple") {
		t.Error("a passphrase is on the list")
	}
}

func TestParseLoginPassword(t *testing.T) {
	for _, raw := range []string{"short", "12345678", "ｐａｓｓｗｏｒｄ"} { // passwords set under the old rule still log in
		if _, err := parseLoginPassword(raw); err != nil {
			t.Errorf("parseLoginPassword(%q): %v", raw, err)
		}
	}
	for _, raw := range []string{"", strings.Repeat("x", 1025), "abc\xff"} {
		if _, err := parseLoginPassword(raw); !errors.Is(err, ErrInvalidInput) {
			t.Errorf("parseLoginPassword(%.20q): %v; want ErrInvalidInput", raw, err)
		}
	}
}
