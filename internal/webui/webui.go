// Package webui embeds the built dashboard (Vite writes it to dist/app) so
// the binary serves it with no files beside it.
package webui

import (
	"embed"
	"io/fs"
)

//go:embed all:dist
var dist embed.FS

//go:embed placeholder
var placeholder embed.FS

// FS returns the built dashboard, or a placeholder page when the front end
// has not been built yet (so `go test` works before `npm run build`).
func FS() fs.FS {
	built, err := fs.Sub(dist, "dist/app")
	if err == nil {
		if _, err := fs.Stat(built, "index.html"); err == nil {
			return built
		}
	}
	ph, _ := fs.Sub(placeholder, "placeholder")
	return ph
}

// Built reports whether FS is the real dashboard rather than the placeholder.
func Built() bool {
	_, err := fs.Stat(dist, "dist/app/index.html")
	return err == nil
}
