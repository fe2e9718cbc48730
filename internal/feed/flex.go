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
// one odd field costs that field rather than a whole window of sales.

// optFloat is a number that may be missing.
type optFloat struct {
	v  float64
	ok bool
}

func (f *optFloat) UnmarshalJSON(b []byte) error {
	f.v, f.ok = parseFloat(b)
	return nil
}

// optInt is a whole number that may be missing. Decimals are floored and
// remembered as not whole, so ids can refuse them while timestamps keep them.
type optInt struct {
	v     int64
	ok    bool
	whole bool
}

func (n *optInt) UnmarshalJSON(b []byte) error {
	*n = optInt{}
	text, ok := numberText(b)
	if !ok {
		return nil
	}
	if i, err := strconv.ParseInt(text, 10, 64); err == nil {
		*n = optInt{v: i, ok: true, whole: true}
		return nil
	}
	f, ok := finite(text)
	// 2^63 itself does not fit, hence the strict bound.
	if !ok || f >= math.Exp2(63) || f < -math.Exp2(63) {
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

// parseFloat reads a JSON number or numeric string as a finite float.
func parseFloat(b []byte) (float64, bool) {
	text, ok := numberText(b)
	if !ok {
		return 0, false
	}
	return finite(text)
}

// numberText extracts the text of a number from a JSON value: the literal
// itself, or the trimmed contents of a string. Null, "null", "" and
// non-scalars have none.
func numberText(b []byte) (string, bool) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return "", false
	}
	switch b[0] {
	case '"':
		var s string
		if json.Unmarshal(b, &s) != nil {
			return "", false
		}
		s = strings.TrimSpace(s)
		if s == "" || strings.EqualFold(s, "null") {
			return "", false
		}
		return s, true
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		return string(b), true
	}
	return "", false
}

// finite parses text as a float, refusing NaN and infinities: ParseFloat
// accepts "NaN", "Inf" and overflowing exponents, none of which is a price
// or a time.
func finite(text string) (float64, bool) {
	f, err := strconv.ParseFloat(text, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}
