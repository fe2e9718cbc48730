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
