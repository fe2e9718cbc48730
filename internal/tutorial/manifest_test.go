package tutorial

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const goodManifest = `{
  "id": "t", "type": "group", "label": "T", "description": "d", "keywords": ["k"],
  "args": {"initialIsOpen": true},
  "children": [
    {"id": "a", "type": "internal-link", "label": "A", "summary": "s", "args": {"path": "/a.md"}},
    {"id": "g", "type": "group", "label": "G", "children": [
      {"id": "b", "type": "internal-link", "label": "B", "args": {"path": "/b.md"}}
    ]}
  ]
}`

// writeTutorial writes a tutorial folder with the manifest and pages.
func writeTutorial(t *testing.T, manifest string, pages ...string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "manifest.json"), []byte(manifest), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, p := range pages {
		if err := os.WriteFile(filepath.Join(dir, p), []byte("# "+p+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestManifestValid(t *testing.T) {
	dir := writeTutorial(t, goodManifest, "a.md", "b.md")
	m, err := ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Validate(dir); err != nil {
		t.Errorf("Validate: %v", err)
	}
	if got := m.Pages(); !slices.Equal(got, []string{"a.md", "b.md"}) {
		t.Errorf("Pages() = %q", got)
	}
}

func TestManifestProblems(t *testing.T) {
	link := func(id, path string) string {
		return `{"id": "` + id + `", "type": "internal-link", "label": "L", "args": {"path": "` + path + `"}}`
	}
	root := func(children ...string) string {
		return `{"id": "t", "type": "group", "label": "T", "children": [` + strings.Join(children, ",") + `]}`
	}
	cases := []struct {
		name, manifest string
		pages          []string
		want           string
	}{
		{"root not a group", `{"id": "t", "type": "internal-link", "label": "T", "args": {"path": "/a.md"}}`, []string{"a.md"}, "root: type"},
		{"no label", `{"id": "t", "type": "group", "label": " ", "children": [` + link("a", "/a.md") + `]}`, []string{"a.md"}, "label is required"},
		{"duplicate id", root(link("a", "/a.md"), link("a", "/b.md")), []string{"a.md", "b.md"}, "used twice"},
		{"unknown type", root(`{"id": "x", "type": "code-button", "label": "X"}`), nil, `type "code-button"`},
		{"empty group", root(`{"id": "g", "type": "group", "label": "G", "children": []}`), nil, "needs children"},
		{"no path", root(`{"id": "a", "type": "internal-link", "label": "A"}`), nil, "needs args.path"},
		{"relative path", root(link("a", "a.md")), []string{"a.md"}, "start it with /"},
		{"page in a folder", root(link("a", "/sub/a.md")), nil, "top of the tutorial's folder"},
		{"not markdown", root(link("a", "/a.txt")), nil, "not a markdown page"},
		{"missing page", root(link("a", "/a.md")), nil, "no such file"},
		{"page not linked", root(link("a", "/a.md")), []string{"a.md", "b.md"}, "b.md is linked 0 times"},
		{"page linked twice", root(link("a", "/a.md"), link("b", "/a.md")), []string{"a.md"}, "a.md is linked 2 times"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := writeTutorial(t, c.manifest, c.pages...)
			m, err := ReadManifest(dir)
			if err != nil {
				t.Fatal(err)
			}
			err = m.Validate(dir)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("Validate: %v, want an error about %q", err, c.want)
			}
		})
	}
}

func TestReadManifestRefusesUnknownFields(t *testing.T) {
	dir := writeTutorial(t, `{"id": "t", "type": "group", "label": "T", "childern": []}`)
	if _, err := ReadManifest(dir); err == nil || !strings.Contains(err.Error(), "childern") {
		t.Errorf("ReadManifest: %v, want an error naming the unknown field", err)
	}
}
