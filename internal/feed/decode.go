package feed

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"
)

// ErrBadAnswer marks a body that is not a sales-feed answer: an HTML page,
// empty or truncated JSON, JSON of another shape, or an error report. The
// live client retries on it; a replay skips the line.
var ErrBadAnswer = errors.New("not a sales feed answer")

// Answer is one answer of get_initial (unwrapped from feed_data) or get.
type Answer struct {
	StartDate    int64   `json:"start_date"`
	EndDate      int64   `json:"end_date"`
	ServerTime   int64   `json:"server_time"`
	DataDelaySec int     `json:"data_delay_sec"`
	Events       []Event `json:"events"`
}

// Event is one checkout. Only "sale" events are decoded.
type Event struct {
	EventType string  `json:"event_type"`
	UTCDate   float64 `json:"utc_date"`
	Items     []Item  `json:"items"`
}

// maxWrap is how many feed_data wrappers are unwrapped; the API uses one.
const maxWrap = 4

type answerWire struct {
	FeedData     json.RawMessage `json:"feed_data"`
	StartDate    optInt          `json:"start_date"`
	EndDate      optInt          `json:"end_date"`
	ServerTime   optInt          `json:"server_time"`
	DataDelaySec optInt          `json:"data_delay_sec"`
	Events       json.RawMessage `json:"events"`
	Error        json.RawMessage `json:"error"`
	ErrorMessage optString       `json:"error_message"`
}

// DecodeAnswer decodes an answer of either endpoint: the {"feed_data": {...}}
// of get_initial or the bare object of get. It is tolerant inside (missing
// keys, nulls, numbers as decimals or strings, events or items of the wrong
// shape are dropped, events other than "sale" are skipped) and strict
// outside: anything that is not a JSON object fails with ErrBadAnswer.
func DecodeAnswer(b []byte) (Answer, error) {
	ans, _, err := decodeAnswer(b)
	if err != nil {
		return Answer{}, fmt.Errorf("feed: %w", err)
	}
	return ans, nil
}

// bareAnswer decodes b and also returns the answer object itself, compacted
// onto one line and without the feed_data wrapper: the replay file format.
// Its errors carry no "feed:" prefix; callers add their own context.
func bareAnswer(b []byte) ([]byte, Answer, error) {
	ans, inner, err := decodeAnswer(b)
	if err != nil {
		return nil, Answer{}, err
	}
	var line bytes.Buffer
	if err := json.Compact(&line, inner); err != nil {
		return nil, Answer{}, fmt.Errorf("compact answer: %w", err)
	}
	return line.Bytes(), ans, nil
}

func decodeAnswer(b []byte) (Answer, json.RawMessage, error) {
	b = bytes.TrimSpace(bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")))
	b, err := checkObject(b)
	if err != nil {
		return Answer{}, nil, err
	}
	inner := json.RawMessage(b)
	var w answerWire
	if err := json.Unmarshal(inner, &w); err != nil {
		return Answer{}, nil, fmt.Errorf("%w: %v", ErrBadAnswer, err)
	}
	// Unwrap while feed_data holds an object, so that decoding the bare
	// object again gives the same answer. Each level re-reads the rest, so
	// the depth is capped: a deeply nested body would cost quadratic time.
	for depth := 0; isObject(w.FeedData); depth++ {
		if depth == maxWrap {
			return Answer{}, nil, fmt.Errorf("%w: feed_data nested more than %d deep", ErrBadAnswer, maxWrap)
		}
		inner = w.FeedData
		w = answerWire{}
		if err := json.Unmarshal(inner, &w); err != nil {
			return Answer{}, nil, fmt.Errorf("%w: feed_data: %v", ErrBadAnswer, err)
		}
	}
	if isTruthy(w.Error) {
		return Answer{}, nil, fmt.Errorf("%w: the API reports an error: %q", ErrBadAnswer, w.ErrorMessage.v)
	}
	events, err := decodeEvents(w.Events)
	if err != nil {
		return Answer{}, nil, err
	}
	ans := Answer{
		StartDate:    w.StartDate.v,
		EndDate:      w.EndDate.v,
		ServerTime:   w.ServerTime.v,
		DataDelaySec: int(w.DataDelaySec.v),
		Events:       events,
	}
	return ans, inner, nil
}

// checkObject explains why b is not a JSON object, in the terms an operator
// needs: an HTML error page and a cut-off body are the common cases. It
// returns b itself, or b with Python's bare NaN and Infinity quoted (see
// quoteNonFinite).
func checkObject(b []byte) ([]byte, error) {
	switch {
	case len(b) == 0:
		return nil, fmt.Errorf("%w: empty body", ErrBadAnswer)
	case b[0] == '<':
		return nil, fmt.Errorf("%w: an HTML page, not JSON: %q", ErrBadAnswer, snippet(b, 80))
	}
	if !json.Valid(b) {
		if q, ok := quoteNonFinite(b); ok && json.Valid(q) {
			return checkObject(q)
		}
		// A streaming decode tells a truncated body from a malformed one.
		var v json.RawMessage
		err := json.NewDecoder(bytes.NewReader(b)).Decode(&v)
		if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%w: truncated JSON (%d bytes)", ErrBadAnswer, len(b))
		}
		if err == nil {
			err = errors.New("data after the JSON value")
		}
		return nil, fmt.Errorf("%w: invalid JSON: %v", ErrBadAnswer, err)
	}
	if b[0] != '{' {
		return nil, fmt.Errorf("%w: JSON %q is not an object", ErrBadAnswer, snippet(b, 40))
	}
	return b, nil
}

// quoteNonFinite quotes the bare words NaN, Infinity and -Infinity where a
// value belongs: Python's json module writes them (JSON has no such
// numbers), so a recording that went through it would otherwise lose a
// whole answer, valid purchases and all, to one such amount. Quoted, they
// read as values that are not numbers (flex.go), and only their items are
// refused, each with its reason, to the dead letters. ok reports whether
// anything was quoted.
func quoteNonFinite(b []byte) (out []byte, ok bool) {
	inString, escaped, prev := false, false, byte(0) // prev: the last byte outside strings that is not space
	for i := 0; i < len(b); i++ {
		c := b[i]
		if inString {
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
			out = append(out, c)
			continue
		}
		if prev == ':' || prev == ',' || prev == '[' {
			if word := nonFiniteAt(b[i:]); word != "" {
				out = append(append(append(out, '"'), word...), '"')
				i += len(word) - 1
				prev, ok = '"', true
				continue
			}
		}
		inString = c == '"'
		if c != ' ' && c != '\t' && c != '\n' && c != '\r' {
			prev = c
		}
		out = append(out, c)
	}
	return out, ok
}

// nonFiniteAt is the non-finite word that b starts with, followed by the
// end of a value, or "".
func nonFiniteAt(b []byte) string {
	for _, w := range [...]string{"NaN", "Infinity", "-Infinity"} {
		if bytes.HasPrefix(b, []byte(w)) {
			if rest := b[len(w):]; len(rest) == 0 || bytes.IndexByte([]byte(" \t\n\r,]}"), rest[0]) >= 0 {
				return w
			}
		}
	}
	return ""
}

// eventsWire is the events list read in one pass: decoding each event and
// each list of items again from raw bytes validated the same bytes up to
// six times, most of the time of reading a recording. An element of the
// wrong shape (an event that is not an object, items that are not a list)
// is left zero and skipped; each item is decoded on its own (Item's
// UnmarshalJSON), so one odd item costs only itself.
type eventsWire []struct {
	EventType optString         `json:"event_type"`
	UTCDate   optFloat          `json:"utc_date"`
	Items     []json.RawMessage `json:"items"`
}

func decodeEvents(raw json.RawMessage) ([]Event, error) {
	if isNull(raw) {
		return nil, nil
	}
	var list eventsWire
	raw = bytes.TrimSpace(raw)
	if err := json.Unmarshal(raw, &list); raw[0] != '[' || (err != nil && !isTypeError(err)) {
		return nil, fmt.Errorf("%w: events is not a list", ErrBadAnswer)
	}
	events := make([]Event, 0, len(list))
	for _, ew := range list {
		if ew.EventType.v != "sale" || ew.Items == nil {
			continue
		}
		ev := Event{EventType: ew.EventType.v, UTCDate: ew.UTCDate.v, Items: make([]Item, 0, len(ew.Items))}
		for _, ir := range ew.Items {
			var it Item
			if isNull(ir) || it.UnmarshalJSON(ir) != nil {
				continue
			}
			ev.Items = append(ev.Items, it)
		}
		events = append(events, ev)
	}
	return events, nil
}

// isTypeError: a value of the wrong type somewhere, which json.Unmarshal
// skips while it decodes the rest.
func isTypeError(err error) bool {
	var te *json.UnmarshalTypeError
	return errors.As(err, &te)
}

func isNull(raw json.RawMessage) bool {
	raw = bytes.TrimSpace(raw)
	return len(raw) == 0 || string(raw) == "null"
}

func isObject(raw json.RawMessage) bool {
	raw = bytes.TrimSpace(raw)
	return len(raw) > 0 && raw[0] == '{'
}

// isTruthy reads the API's "error" key, which has been seen as true and as a
// message; false, 0, "" and null mean no error.
func isTruthy(raw json.RawMessage) bool {
	switch string(bytes.TrimSpace(raw)) {
	case "", "null", "false", "0", `""`:
		return false
	}
	return true
}

// snippet quotes the start of a body for a log line without flooding it.
func snippet(b []byte, n int) string {
	if len(b) <= n {
		return string(b)
	}
	// Back off to a rune boundary so the cut does not invent a bad rune.
	for i := n; i > 0 && i > n-utf8.UTFMax; i-- {
		if utf8.RuneStart(b[i]) {
			n = i
			break
		}
	}
	return string(b[:n]) + "…"
}
