package purchases

import (
	"encoding/json"
	"unicode/utf8"
)

// scanner reads the few JSON forms fastDecode accepts. Each method skips
// the whitespace before what it reads and reports false, rather than
// guessing, on anything else.
type scanner struct {
	s string
	i int
}

func (d *scanner) space() {
	for d.i < len(d.s) {
		switch d.s[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

// skip consumes c if it comes next.
func (d *scanner) skip(c byte) bool {
	d.space()
	if d.i < len(d.s) && d.s[d.i] == c {
		d.i++
		return true
	}
	return false
}

// end reports whether only whitespace is left.
func (d *scanner) end() bool {
	d.space()
	return d.i == len(d.s)
}

// plainString reads a string without escapes, in valid UTF-8 (a key).
func (d *scanner) plainString() (string, bool) {
	if !d.skip('"') {
		return "", false
	}
	start := d.i
	for d.i < len(d.s) {
		c := d.s[d.i]
		switch {
		case c == '"':
			text := d.s[start:d.i]
			d.i++
			return text, utf8.ValidString(text)
		case c == '\\' || c < 0x20:
			return "", false
		}
		d.i++
	}
	return "", false
}

// value reads a string, a number or null.
func (d *scanner) value() (token, bool) {
	d.space()
	if d.i >= len(d.s) {
		return token{}, false
	}
	switch c := d.s[d.i]; {
	case c == '"':
		return d.stringValue()
	case c == 'n':
		if len(d.s)-d.i >= 4 && d.s[d.i:d.i+4] == "null" {
			d.i += 4
			return token{kind: 'n'}, true
		}
		return token{}, false
	case c == '-' || c >= '0' && c <= '9':
		return d.number()
	}
	return token{}, false
}

// stringValue reads a string. One with escapes or invalid UTF-8 is
// unquoted by encoding/json (which turns invalid bytes into U+FFFD).
func (d *scanner) stringValue() (token, bool) {
	start := d.i // at the opening quote
	d.i++
	plain := true
	for d.i < len(d.s) {
		c := d.s[d.i]
		switch {
		case c == '"':
			d.i++
			text := d.s[start+1 : d.i-1]
			if plain && utf8.ValidString(text) {
				return token{kind: '"', text: text}, true
			}
			var unquoted string
			if err := json.Unmarshal([]byte(d.s[start:d.i]), &unquoted); err != nil {
				return token{}, false
			}
			return token{kind: '"', text: unquoted}, true
		case c == '\\':
			plain = false
			d.i += 2 // the escaped character; json.Unmarshal checks the escape
			continue
		case c < 0x20:
			return token{}, false
		}
		d.i++
	}
	return token{}, false
}

// number reads a number in JSON's grammar: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
func (d *scanner) number() (token, bool) {
	start := d.i
	if d.s[d.i] == '-' {
		d.i++
	}
	switch {
	case d.i < len(d.s) && d.s[d.i] == '0':
		d.i++
	case d.digits() == 0:
		return token{}, false
	}
	if d.i < len(d.s) && d.s[d.i] == '.' {
		d.i++
		if d.digits() == 0 {
			return token{}, false
		}
	}
	if d.i < len(d.s) && (d.s[d.i] == 'e' || d.s[d.i] == 'E') {
		d.i++
		if d.i < len(d.s) && (d.s[d.i] == '+' || d.s[d.i] == '-') {
			d.i++
		}
		if d.digits() == 0 {
			return token{}, false
		}
	}
	return token{kind: '0', text: d.s[start:d.i]}, true
}

func (d *scanner) digits() int {
	start := d.i
	for d.i < len(d.s) && d.s[d.i] >= '0' && d.s[d.i] <= '9' {
		d.i++
	}
	return d.i - start
}
