package httpapi

import (
	"errors"
	"io/fs"
	"net/http"
	"path"
	"strings"
)

// webApp serves the built dashboard, precompressed (see staticFiles). Vite
// names its assets by content hash, so they are cached for a year;
// index.html is revalidated every time. Page paths that are not files
// (client-side routes such as /login) get index.html; a path under one of
// the API's prefixes that no route took gets a JSON 404.
func (s *Server) webApp() http.Handler {
	if s.Web == nil {
		return http.NotFoundHandler()
	}
	files := newStaticFiles(s.Web)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for _, prefix := range apiPrefixes {
			// The raw path: /purchases/%2F cleans to the page-looking /purchases.
			if rest, ok := strings.CutPrefix(r.URL.Path, prefix); ok && rest != "" {
				s.writeError(w, r, &Error{Status: http.StatusNotFound, Message: "not found"})
				return
			}
		}
		name := path.Clean("/" + r.URL.Path)
		if name != "/" && !strings.HasSuffix(name, "/index.html") {
			if f, err := files.lookup(name); err == nil {
				if strings.HasPrefix(name, "/assets/") {
					w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
				} else {
					w.Header().Set("Cache-Control", "public, max-age=300")
				}
				if err := files.serve(w, r, f); err != nil {
					s.writeError(w, r, err)
				}
				return
			} else if !errors.Is(err, fs.ErrNotExist) {
				s.writeError(w, r, err)
				return
			}
			if strings.HasPrefix(name, "/assets/") || path.Ext(name) != "" {
				s.writeError(w, r, &Error{Status: http.StatusNotFound, Message: "not found"})
				return
			}
		}
		s.serveIndex(w, r, files)
	})
}

func (s *Server) serveIndex(w http.ResponseWriter, r *http.Request, files *staticFiles) {
	f, err := files.lookup("/index.html")
	if err == nil {
		w.Header().Set("Cache-Control", "no-cache")
		err = files.serve(w, r, f)
	}
	if err != nil {
		s.writeError(w, r, err)
	}
}
