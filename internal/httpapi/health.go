package httpapi

import (
	"context"
	"net/http"
	"time"
)

// GET /healthz: the process is alive.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) error {
	return writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// GET /readyz: Redis answers, the index exists and the feed runs.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) error {
	if s.Ready != nil {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := s.Ready(ctx); err != nil {
			// The reason is for operators (the log), not for anyone who asks.
			s.log.WarnContext(r.Context(), "not ready", "err", err)
			return writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "not ready"})
		}
	}
	return writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}

// notFound answers 404 {"error": "not found"}, for paths that exist only on
// another listener.
func notFound(w http.ResponseWriter, r *http.Request) error {
	return &Error{Status: http.StatusNotFound, Message: "not found"}
}
