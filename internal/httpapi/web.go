package httpapi

import (
	"errors"
	"io/fs"
	"net/http"
	"path"
	"slices"
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
		if isAPIPath(r.URL.Path) {
			s.writeError(w, r, &Error{Status: http.StatusNotFound, Message: "not found"})
			return
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

// jsonMuxErrors answers in JSON what the mux would answer in plain text: a
// method the path does not take is a 405 with the methods it takes (Allow),
// and any method on a path under the API's prefixes that no route serves is
// a 404. (The dashboard's "GET /" takes every path, so the mux counts GET
// among any path's methods; under the API's prefixes it only answers 404.)
func (s *Server) jsonMuxErrors(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h, pattern := mux.Handler(r)
		if pattern != "" {
			mux.ServeHTTP(w, r) // not h: the mux sets the path's values
			return
		}
		var allow headerOnly
		h.ServeHTTP(&allow, r) // the mux's own 404 or 405
		methods := strings.Split(allow.Header().Get("Allow"), ", ")
		if isAPIPath(r.URL.Path) {
			// GET reaches the dashboard's "GET /", which answers a 404 here.
			get := r.Clone(r.Context())
			get.Method = http.MethodGet
			if _, p := mux.Handler(get); p == "GET /" {
				methods = slices.DeleteFunc(methods, func(m string) bool { return m == http.MethodGet || m == http.MethodHead })
			}
		}
		methods = slices.DeleteFunc(methods, func(m string) bool { return m == "" })
		if len(methods) == 0 {
			s.writeError(w, r, &Error{Status: http.StatusNotFound, Message: "not found"})
			return
		}
		w.Header().Set("Allow", strings.Join(methods, ", "))
		s.writeError(w, r, &Error{Status: http.StatusMethodNotAllowed, Message: "method not allowed"})
	})
}

// isAPIPath: p is under one of the API's prefixes, not the prefix alone
// (the raw path: /purchases/%2F cleans to the page-looking /purchases).
func isAPIPath(p string) bool {
	for _, prefix := range apiPrefixes {
		if rest, ok := strings.CutPrefix(p, prefix); ok && rest != "" {
			return true
		}
	}
	return false
}

// headerOnly is a ResponseWriter that keeps the header and drops the rest.
type headerOnly struct{ h http.Header }

func (w *headerOnly) Header() http.Header {
	if w.h == nil {
		w.h = http.Header{}
	}
	return w.h
}
func (w *headerOnly) Write(b []byte) (int, error) { return len(b), nil }
func (w *headerOnly) WriteHeader(int)             {}
