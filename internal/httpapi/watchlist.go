package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"

	"github.com/beatsbyredis/beats/internal/accounts"
	"github.com/beatsbyredis/beats/internal/watchlist"
)

// Watchlist is what the watchlist routes need (*watchlist.Service).
type Watchlist interface {
	List(ctx context.Context, userID string) ([]watchlist.Watch, error)
	Add(ctx context.Context, userID, term string) (watchlist.Watch, bool, error)
	Remove(ctx context.Context, userID, id string) error
	Matches(ctx context.Context, userID, before string) (watchlist.Page, error)
}

// maxWatchBody bounds POST /watchlist's body: a term of 100 characters,
// each up to 4 bytes and JSON-escaped, fits many times over.
const maxWatchBody = 4 << 10

// userID is the logged-in user's id (the routes are behind requireUser).
func userID(r *http.Request) string {
	u, _ := accounts.UserFrom(r.Context())
	return u.ID
}

// GET /watchlist: {"terms": [{id, term, created}]}, newest first.
func (s *Server) listWatches(w http.ResponseWriter, r *http.Request) error {
	terms, err := s.Watchlist.List(r.Context(), userID(r))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"terms": terms})
}

// POST /watchlist {"term": "..."}: 201 with the new term, or 200 with the
// one the user already watches for the same folded text.
func (s *Server) addWatch(w http.ResponseWriter, r *http.Request) error {
	var body struct {
		Term *string `json:"term"`
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxWatchBody))
	if err := dec.Decode(&body); err != nil || body.Term == nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return &Error{Status: http.StatusRequestEntityTooLarge, Message: "body too large"}
		}
		return BadRequest(`body must be JSON {"term": "..."}`)
	}
	watch, created, err := s.Watchlist.Add(r.Context(), userID(r), *body.Term)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	return writeJSON(w, status, watch)
}

// DELETE /watchlist/{id}: 204; 404 for an id the user does not watch.
func (s *Server) removeWatch(w http.ResponseWriter, r *http.Request) error {
	if err := s.Watchlist.Remove(r.Context(), userID(r), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// GET /watchlist/matches[?before=cursor]: {"matches": [...], "next": cursor|null}.
func (s *Server) watchMatches(w http.ResponseWriter, r *http.Request) error {
	page, err := s.Watchlist.Matches(r.Context(), userID(r), r.URL.Query().Get("before"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, page)
}
