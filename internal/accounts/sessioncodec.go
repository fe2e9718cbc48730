package accounts

import (
	"encoding/json"
	"fmt"
	"maps"
	"time"
)

// isoLayout is the contract's time format ("2023-08-04T17:20:43.241Z"). It is
// fixed-width in UTC, so stored times compare as strings.
const isoLayout = "2006-01-02T15:04:05.000Z"

func isoTime(t time.Time) string { return t.UTC().Format(isoLayout) }

// deadlineKey holds scs's absolute session deadline in the document.
const deadlineKey = "deadline"

// JSONCodec writes session values as the fields of one JSON object (plus
// "deadline"), so the stored document is readable and in the contract's shape.
// Values must be JSON-encodable; they decode as JSON types (strings, bools,
// float64), which is why the session keeps times as ISO strings.
type JSONCodec struct{}

// Encode returns the session document.
func (JSONCodec) Encode(deadline time.Time, values map[string]any) ([]byte, error) {
	if _, ok := values[deadlineKey]; ok {
		return nil, fmt.Errorf("accounts: session value %q is reserved", deadlineKey)
	}
	doc := make(map[string]any, len(values)+1)
	maps.Copy(doc, values)
	doc[deadlineKey] = isoTime(deadline)
	b, err := json.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("accounts: encode session: %w", err)
	}
	return b, nil
}

// Decode reads a session document.
func (JSONCodec) Decode(b []byte) (time.Time, map[string]any, error) {
	var values map[string]any
	if err := json.Unmarshal(b, &values); err != nil {
		return time.Time{}, nil, fmt.Errorf("accounts: decode session: %w", err)
	}
	raw, _ := values[deadlineKey].(string)
	deadline, err := time.Parse(isoLayout, raw)
	if err != nil {
		return time.Time{}, nil, fmt.Errorf("accounts: decode session deadline %q: %w", raw, err)
	}
	delete(values, deadlineKey)
	if values == nil {
		values = map[string]any{}
	}
	return deadline, values, nil
}
