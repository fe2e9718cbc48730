package httpapi

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"
)

// encodings are the precompressed forms the build writes beside a file
// (web/build/precompress-plugin.js), in the order the server prefers them.
var encodings = []struct{ name, suffix string }{{"br", ".br"}, {"gzip", ".gz"}}

// staticFiles serves the built dashboard's files, each in the best encoding
// that the client accepts among those built beside it: compressing once at
// build time costs nothing per request and compresses harder than a server
// could afford on the fly. Every form has its own strong ETag, so a
// revalidation answers 304 without a byte of the file.
type staticFiles struct {
	fsys  http.FileSystem
	mu    sync.Mutex
	known map[string]*staticFile // only files that exist: the map is bounded by the build
}

type staticFile struct {
	ctype string
	forms []fileForm // the encoded ones first, identity last
}

type fileForm struct {
	encoding string // "" for identity
	path     string
	etag     string
}

func newStaticFiles(fsys http.FileSystem) *staticFiles {
	return &staticFiles{fsys: fsys, known: map[string]*staticFile{}}
}

// lookup describes the file at name (a cleaned absolute path), reading it
// once to hash it; a directory or a missing file is fs.ErrNotExist.
func (s *staticFiles) lookup(name string) (*staticFile, error) {
	s.mu.Lock()
	f, ok := s.known[name]
	s.mu.Unlock()
	if ok {
		return f, nil
	}
	sum, err := s.hash(name)
	if err != nil {
		return nil, err
	}
	ctype := mime.TypeByExtension(path.Ext(name))
	if ctype == "" {
		ctype = "application/octet-stream"
	}
	f = &staticFile{ctype: ctype}
	for _, e := range encodings {
		if _, err := s.hash(name + e.suffix); err == nil {
			f.forms = append(f.forms, fileForm{encoding: e.name, path: name + e.suffix, etag: `"` + sum + "-" + e.name + `"`})
		}
	}
	f.forms = append(f.forms, fileForm{path: name, etag: `"` + sum + `"`})
	s.mu.Lock()
	s.known[name] = f
	s.mu.Unlock()
	return f, nil
}

// hash is the first 16 hex digits of the SHA-256 of the file at name.
func (s *staticFiles) hash(name string) (string, error) {
	file, err := s.fsys.Open(name)
	if err != nil {
		return "", err
	}
	defer file.Close()
	info, err := file.Stat()
	if err != nil {
		return "", fmt.Errorf("httpapi: stat %s: %w", name, err)
	}
	if info.IsDir() {
		return "", fs.ErrNotExist
	}
	h := sha256.New()
	if _, err := io.Copy(h, file); err != nil {
		return "", fmt.Errorf("httpapi: read %s: %w", name, err)
	}
	return hex.EncodeToString(h.Sum(nil)[:8]), nil
}

// serve answers r with f in the best form the client accepts; If-None-Match
// and HEAD work as http.ServeContent does them, and Range too for the
// uncompressed form (a range of compressed bytes is of no use to anyone).
func (s *staticFiles) serve(w http.ResponseWriter, r *http.Request, f *staticFile) error {
	form := f.forms[len(f.forms)-1]
	accept := r.Header.Get("Accept-Encoding")
	for _, c := range f.forms[:len(f.forms)-1] {
		if acceptsEncoding(accept, c.encoding) {
			form = c
			break
		}
	}
	file, err := s.fsys.Open(form.path)
	if err != nil {
		return fmt.Errorf("httpapi: open %s: %w", form.path, err)
	}
	defer file.Close()
	h := w.Header()
	if len(f.forms) > 1 {
		h.Add("Vary", "Accept-Encoding")
	}
	if form.encoding != "" {
		h.Set("Content-Encoding", form.encoding)
	}
	h.Set("Content-Type", f.ctype)
	h.Set("ETag", form.etag)
	if form.encoding != "" {
		// ServeContent leaves Content-Length out when the body is encoded
		// (it cannot know the writer did not encode it): this one was
		// encoded at build time, so its size is known.
		info, err := file.Stat()
		if err != nil {
			return fmt.Errorf("httpapi: stat %s: %w", form.path, err)
		}
		h.Set("Content-Length", strconv.FormatInt(info.Size(), 10))
		r = r.Clone(r.Context())
		r.Header.Del("Range")
	}
	http.ServeContent(w, r, "", time.Time{}, file)
	return nil
}

// acceptsEncoding reports whether an Accept-Encoding header allows coding:
// named, or matched by "*", with a q-value above zero.
func acceptsEncoding(header, coding string) bool {
	star := false
	for part := range strings.SplitSeq(header, ",") {
		name, params, _ := strings.Cut(part, ";")
		name = strings.TrimSpace(name)
		q := 1.0
		for p := range strings.SplitSeq(params, ";") {
			k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
			if ok && strings.EqualFold(strings.TrimSpace(k), "q") {
				if n, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
					q = n
				}
			}
		}
		switch {
		case strings.EqualFold(name, coding):
			return q > 0
		case name == "*":
			star = q > 0
		}
	}
	return star
}
