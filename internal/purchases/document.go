package purchases

import "encoding/json"

// encodeDocument is the JSON the save script stores for p: the document
// of smallerdocuments.go.
func encodeDocument(p Purchase) ([]byte, error) {
	return json.Marshal(newDocument(p))
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
