package feed

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"
	"strings"
)

// The feed's own answers carry plain JSON numbers, but copies of it that went
// through other tools (pandas, CSV exports, hand edits) carry "123.0",
// "null", "" or quoted numbers. The scalar types below accept every one of
// those and never fail: a value of an unexpected shape reads as missing, so
// one odd field costs that field rather than a whole window of sales. A
// number that is present but is not a number ("12.5x", true, [1], 1e400) is
// remembered as bad: the item then fails validation (validate.go) instead of
// being read as a price of 0 or 12.5.

// optFloat is a number that may be missing.
type optFloat struct {
	v   float64
	ok  bool
	bad string // the value, when present but not a number
}

func (f *optFloat) UnmarshalJSON(b []byte) error {
	*f = optFloat{}
	text, state := numberText(b)
	if state == numMissing {
		return nil
	}
	v, ok := strictFloat(text)
	if !ok || state != numText {
		f.bad = badValue(b)
		return nil
	}
	f.v, f.ok = v, true
	return nil
}

// optInt is a whole number that may be missing. Decimals are floored and
// remembered as not whole, so ids can refuse them while timestamps keep them.
// A number too large for 64 bits reads as missing (ids only; times are floats).
type optInt struct {
	v     int64
	ok    bool
	whole bool
	bad   string // the value, when present but not a number
}

func (n *optInt) UnmarshalJSON(b []byte) error {
	*n = optInt{}
	text, state := numberText(b)
	if state == numMissing {
		return nil
	}
	f, ok := strictFloat(text)
	if !ok || state != numText {
		n.bad = badValue(b)
		return nil
	}
	if i, err := strconv.ParseInt(text, 10, 64); err == nil {
		*n = optInt{v: i, ok: true, whole: true}
		return nil
	}
	// 2^63 itself does not fit, hence the strict bound.
	if f >= math.Exp2(63) || f < -math.Exp2(63) {
		return nil
	}
	fl := math.Floor(f)
	*n = optInt{v: int64(fl), ok: true, whole: fl == f}
	return nil
}

// ptr is the value for an optional id: missing or fractional reads as nil.
func (n optInt) ptr() *int64 {
	if !n.ok || !n.whole {
		return nil
	}
	v := n.v
	return &v
}

// optString is text that may be missing. A JSON string is kept verbatim, even
// "null": telling a real title "null" from a placeholder is normalization's
// job, not the decoder's. Numbers and booleans keep their literal text.
type optString struct {
	v  string
	ok bool
}

func (s *optString) UnmarshalJSON(b []byte) error {
	*s = optString{}
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return nil
	}
	switch b[0] {
	case '"':
		if err := json.Unmarshal(b, &s.v); err == nil {
			s.ok = true
		}
	case 'n', '{', '[':
		// null, or a container where text belongs: missing.
	default:
		s.v, s.ok = string(b), true
	}
	return nil
}

func (s optString) ptr() *string {
	if !s.ok {
		return nil
	}
	v := s.v
	return &v
}

// What a JSON value is, where a number belongs.
const (
	numMissing = iota // absent, null, "null" or ""
	numText           // a number, or a string that may hold one
	numBad            // true, false, an object or an array
)

// numberText extracts the text of a number from a JSON value: the literal
// itself, or the trimmed contents of a string. Null, "null" and "" are
// missing; booleans and containers are bad.
func numberText(b []byte) (string, int) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || string(b) == "null" {
		return "", numMissing
	}
	switch b[0] {
	case '"':
		var s string
		if json.Unmarshal(b, &s) != nil {
			return "", numBad
		}
		s = strings.TrimSpace(s)
		if s == "" || strings.EqualFold(s, "null") {
			return "", numMissing
		}
		return s, numText
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		return string(b), numText
	}
	return "", numBad
}

// strictFloat parses text written as a JSON number ("12.5", "-3", "1e3") into
// a finite float. Anything else is refused, though strconv.ParseFloat would
// take some of it: "12.5x" and "NaN" (not numbers), "Inf" and "1e400" (not
// finite), "0x1p4", "1_000", "+5" and ".5" (not how any copy of the feed
// writes a number).
func strictFloat(text string) (float64, bool) {
	if !isJSONNumber(text) {
		return 0, false
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

// isJSONNumber reports whether s is a number in JSON's grammar:
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func isJSONNumber(s string) bool {
	i := 0
	digits := func() int {
		n := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			n++
		}
		return n
	}
	if i < len(s) && s[i] == '-' {
		i++
	}
	if i < len(s) && s[i] == '0' {
		i++
	} else if digits() == 0 {
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		if digits() == 0 {
			return false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	return i == len(s)
}

// badValue quotes a value that is not a number for a dead letter's reason,
// short and the same however the JSON around it was spaced.
func badValue(b []byte) string {
	b = bytes.TrimSpace(b)
	switch b[0] {
	case '{':
		return "an object"
	case '[':
		return "a list"
	}
	return snippet(b, 40)
}
