package purchases

import "encoding/json"

// encodeDocument is the JSON the save script stores for p: the document
// of smallerdocuments.go. searchText is p.SearchText(), folded once by the
// caller, who needs it too.
func encodeDocument(p Purchase, searchText string) ([]byte, error) {
	return json.Marshal(newDocument(p, searchText))
}

// DecodeDocument reads a stored purchase document (FT.SEARCH's "$", a live
// stream entry's "doc", JSON.GET's match) and rebuilds the values the
// document leaves out (see restore); the id is not in it (see Key).
func DecodeDocument(raw string) (Purchase, error) {
	var p Purchase
	if err := json.Unmarshal([]byte(raw), &p); err != nil {
		return Purchase{}, err
	}
	p.restore()
	return p, nil
}

// DecodePathAnswer reads what JSON.GET, or one key of JSON.MGET, answers
// for a purchase at the path "$": an array holding its document. found is
// false when the key does not exist ("", or an empty array).
func DecodePathAnswer(raw string) (p Purchase, found bool, err error) {
	if raw == "" {
		return Purchase{}, false, nil
	}
	var matches []json.RawMessage
	if err := json.Unmarshal([]byte(raw), &matches); err != nil {
		return Purchase{}, false, err
	}
	if len(matches) == 0 {
		return Purchase{}, false, nil
	}
	p, err = DecodeDocument(string(matches[0]))
	return p, err == nil, err
}
