package tutorial

import (
	"encoding/json"
	"strings"
)

// HasData reports whether a (RESP2) reply to the command named name shows
// the reader something: not nil, an empty string or list, a zero count
// (though rank 0 is the top), a search or aggregation without rows, a SCAN
// page without keys, the type "none" of a missing key, or JSON whose arrays
// and objects hold nothing.
func HasData(name string, reply any) bool {
	list, isList := reply.([]any)
	switch strings.ToUpper(name) {
	case "FT.SEARCH", "FT.AGGREGATE":
		// [total, rows...]: a count alone is no row.
		return isList && len(list) > 1
	case "SCAN", "HSCAN", "SSCAN", "ZSCAN":
		// [cursor, [keys...]]
		return isList && len(list) == 2 && HasData("", list[1])
	case "TYPE":
		// a missing key's type is "none"
		s, _ := reply.(string)
		return s != "" && s != "none"
	case "ZRANK", "ZREVRANK":
		// rank 0 is the top; a missing member is nil
		return reply != nil
	}
	switch v := reply.(type) {
	case nil:
		return false
	case string:
		return stringHasData(v)
	case int64:
		return v != 0
	case []any:
		for _, e := range v {
			if HasData("", e) {
				return true
			}
		}
		return false
	case map[any]any:
		for _, e := range v {
			if HasData("", e) {
				return true
			}
		}
		return false
	}
	return true
}

// stringHasData reads a string that holds JSON (as JSON.GET answers) by its
// content, so {"$.x":[]} is no data.
func stringHasData(s string) bool {
	t := strings.TrimSpace(s)
	if t == "" {
		return false
	}
	if t[0] != '[' && t[0] != '{' {
		return true
	}
	var v any
	if err := json.Unmarshal([]byte(t), &v); err != nil {
		return true
	}
	return jsonHasData(v)
}

func jsonHasData(v any) bool {
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			if jsonHasData(e) {
				return true
			}
		}
		return false
	case map[string]any:
		for _, e := range x {
			if jsonHasData(e) {
				return true
			}
		}
		return false
	case nil:
		return false
	}
	return true
}

// ReplyStrings flattens a reply into its strings and numbers as text, for
// finding where a value the reader copies was shown.
func ReplyStrings(reply any) []string {
	switch v := reply.(type) {
	case nil:
		return nil
	case string:
		return []string{v}
	case []any:
		var out []string
		for _, e := range v {
			out = append(out, ReplyStrings(e)...)
		}
		return out
	case map[any]any:
		var out []string
		for k, e := range v {
			out = append(out, ReplyStrings(k)...)
			out = append(out, ReplyStrings(e)...)
		}
		return out
	}
	return nil
}
