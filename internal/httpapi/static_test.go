package httpapi

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
)

func TestAcceptsEncoding(t *testing.T) {
	tests := []struct {
		header, coding string
		want           bool
	}{
		{"gzip, deflate, br, zstd", "br", true},
		{"gzip, deflate, br, zstd", "gzip", true},
		{"gzip", "br", false},
		{"", "gzip", false},
		{"BR", "br", true},
		{"br;q=0, gzip", "br", false},
		{"br ; q=0.5", "br", true},
		{"*", "br", true},
		{"*;q=0", "gzip", false},
		{"gzip;q=0, *", "gzip", false}, // named beats the wildcard
		{"identity", "gzip", false},
		{"brotli", "br", false},
	}
	for _, tt := range tests {
		if got := acceptsEncoding(tt.header, tt.coding); got != tt.want {
			t.Errorf("acceptsEncoding(%q, %q) = %v, want %v", tt.header, tt.coding, got, tt.want)
		}
	}
}

// TestStaticFilesArePrecompressed: each client gets the form it accepts,
// with the headers caches need, and a revalidation costs a 304.
func TestStaticFilesArePrecompressed(t *testing.T) {
	js := "console.log('the app, uncompressed')"
	// Larger than the server's buffer, so Content-Length is not a gift of
	// buffering.
	bigBr := strings.Repeat("b", 64<<10)
	fsys := fstest.MapFS{
		"index.html":            {Data: []byte(dashboardHTML)},
		"index.html.br":         {Data: []byte("index-br")},
		"assets/app-1a2b.js":    {Data: []byte(js)},
		"assets/app-1a2b.js.br": {Data: []byte(bigBr)},
		"assets/app-1a2b.js.gz": {Data: []byte("js-gzip")},
		"assets/flag-3c4d.svg":  {Data: []byte("<svg/>")},
	}
	srv := httptest.NewServer(New(Deps{Web: http.FS(fsys)}).Handler())
	defer srv.Close()

	tests := []struct {
		name, path, accept, ifNoneMatch string
		status                          int
		body, encoding, ctype, vary     string
	}{
		{"brotli", "/assets/app-1a2b.js", "gzip, deflate, br", "", 200, bigBr, "br", "text/javascript; charset=utf-8", "Accept-Encoding"},
		{"gzip only", "/assets/app-1a2b.js", "gzip", "", 200, "js-gzip", "gzip", "text/javascript; charset=utf-8", "Accept-Encoding"},
		{"brotli refused", "/assets/app-1a2b.js", "br;q=0, gzip", "", 200, "js-gzip", "gzip", "text/javascript; charset=utf-8", "Accept-Encoding"},
		{"no compression", "/assets/app-1a2b.js", "", "", 200, js, "", "text/javascript; charset=utf-8", "Accept-Encoding"},
		{"no compressed copy", "/assets/flag-3c4d.svg", "br, gzip", "", 200, "<svg/>", "", "image/svg+xml", ""},
		{"page route", "/login", "br", "", 200, "index-br", "br", "text/html; charset=utf-8", "Accept-Encoding"},
		{"unknown asset", "/assets/nope.js", "br", "", 404, "", "", "application/json; charset=utf-8", ""},
	}
	etags := map[string]string{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest("GET", srv.URL+tt.path, nil)
			req.Header.Set("Accept-Encoding", tt.accept)
			resp, err := http.DefaultTransport.RoundTrip(req) // no transparent gzip
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			h := resp.Header
			if resp.StatusCode != tt.status || h.Get("Content-Encoding") != tt.encoding ||
				h.Get("Content-Type") != tt.ctype || h.Get("Vary") != tt.vary {
				t.Fatalf("%d %q %q %q, want %d %q %q %q", resp.StatusCode, h.Get("Content-Encoding"),
					h.Get("Content-Type"), h.Get("Vary"), tt.status, tt.encoding, tt.ctype, tt.vary)
			}
			if tt.status != 200 {
				return
			}
			wantCache := "no-cache"
			if strings.HasPrefix(tt.path, "/assets/") {
				wantCache = "public, max-age=31536000, immutable"
			}
			if got := h.Get("Cache-Control"); got != wantCache {
				t.Fatalf("Cache-Control %q, want %q", got, wantCache)
			}
			if string(body) != tt.body || h.Get("Content-Length") != strconv.Itoa(len(tt.body)) {
				t.Fatalf("body %q (Content-Length %s), want %q", body, h.Get("Content-Length"), tt.body)
			}
			head, _ := http.NewRequest("HEAD", srv.URL+tt.path, nil)
			head.Header.Set("Accept-Encoding", tt.accept)
			headResp, err := http.DefaultTransport.RoundTrip(head)
			if err != nil {
				t.Fatal(err)
			}
			headResp.Body.Close()
			if got := headResp.Header.Get("Content-Length"); got != strconv.Itoa(len(tt.body)) {
				t.Fatalf("HEAD Content-Length %q, want %d", got, len(tt.body))
			}
			etag := h.Get("ETag")
			if len(etag) < 18 || etag[0] != '"' {
				t.Fatalf("ETag %q", etag)
			}
			if other, ok := etags[etag]; ok && other != tt.body {
				t.Fatalf("ETag %q names %q and %q", etag, other, tt.body)
			}
			etags[etag] = tt.body

			req.Header.Set("If-None-Match", etag)
			again, err := http.DefaultTransport.RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			again.Body.Close()
			if again.StatusCode != http.StatusNotModified {
				t.Fatalf("revalidation: %d, want 304", again.StatusCode)
			}
		})
	}
}
