package httpapi

import (
	"errors"
	"io/fs"
	"net/http"
	"path"
	"strings"
)

// webApp serves the built dashboard. Vite names its assets by content hash,
// so they are cached for a year; index.html is never cached. Paths that are
// not files (client-side routes such as /login) get index.html.
func (s *Server) webApp() http.Handler {
	if s.Web == nil {
		return http.NotFoundHandler()
	}
	files := http.FileServer(s.Web)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := path.Clean("/" + r.URL.Path)
		if name != "/" && !strings.HasSuffix(name, "/index.html") {
			if f, err := s.Web.Open(name); err == nil {
				info, statErr := f.Stat()
				f.Close()
				if statErr == nil && !info.IsDir() {
					if strings.HasPrefix(name, "/assets/") {
						w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
					} else {
						w.Header().Set("Cache-Control", "public, max-age=300")
					}
					files.ServeHTTP(w, r)
					return
				}
			} else if !errors.Is(err, fs.ErrNotExist) {
				s.writeError(w, r, err)
				return
			}
			if strings.HasPrefix(name, "/assets/") || path.Ext(name) != "" {
				s.writeError(w, r, &Error{Status: http.StatusNotFound, Message: "not found"})
				return
			}
		}
		s.serveIndex(w, r)
	})
}

func (s *Server) serveIndex(w http.ResponseWriter, r *http.Request) {
	f, err := s.Web.Open("/index.html")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-cache")
	http.ServeContent(w, r, "index.html", info.ModTime(), f)
}
