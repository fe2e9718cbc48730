package tutorial

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// Manifest is a custom tutorial's manifest.json as RedisInsight reads it on
// upload (its RootCustomTutorialManifest): a root group node, which may also
// carry a few descriptive fields RedisInsight stores but does not show.
type Manifest struct {
	Node
	Author      string   `json:"author,omitempty"`
	URL         string   `json:"url,omitempty"`
	Description string   `json:"description,omitempty"`
	Keywords    []string `json:"keywords,omitempty"`
	Industry    []string `json:"industry,omitempty"`
}

// Node is a group of nodes or an internal-link to a markdown page.
type Node struct {
	ID       string `json:"id"`
	Type     string `json:"type"`
	Label    string `json:"label"`
	Summary  string `json:"summary,omitempty"`
	Args     *Args  `json:"args,omitempty"`
	Children []Node `json:"children,omitempty"`
}

// Args are a node's arguments: an internal-link's page, a group's state.
type Args struct {
	Path          string `json:"path,omitempty"`
	InitialIsOpen *bool  `json:"initialIsOpen,omitempty"`
	WithBorder    *bool  `json:"withBorder,omitempty"`
}

// The node types RedisInsight documents for manifests.
const (
	TypeGroup = "group"
	TypeLink  = "internal-link"
)

// ReadManifest decodes dir/manifest.json, refusing fields RedisInsight
// does not know (it would drop them silently, hiding a typo).
func ReadManifest(dir string) (Manifest, error) {
	raw, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		return Manifest{}, fmt.Errorf("tutorial: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var m Manifest
	if err := dec.Decode(&m); err != nil {
		return Manifest{}, fmt.Errorf("tutorial: manifest.json: %w", err)
	}
	if dec.More() {
		return Manifest{}, errors.New("tutorial: manifest.json: more than one JSON value")
	}
	return m, nil
}

// Pages returns the pages the manifest links, in reading order, as paths
// relative to the tutorial's folder.
func (m Manifest) Pages() []string {
	var pages []string
	var walk func(n Node)
	walk = func(n Node) {
		if n.Type == TypeLink && n.Args != nil {
			pages = append(pages, strings.TrimPrefix(n.Args.Path, "/"))
		}
		for _, c := range n.Children {
			walk(c)
		}
	}
	walk(m.Node)
	return pages
}

// Validate checks the manifest against RedisInsight's rules and dir: the
// root is a group; every node has a unique id, a known type and a label;
// groups have children; each internal-link names a markdown file at the
// top of dir ("/page.md", as `make tutorial` zips only those); and every
// markdown file in dir is linked exactly once.
func (m Manifest) Validate(dir string) error {
	var errs []error
	if m.Type != TypeGroup {
		errs = append(errs, fmt.Errorf("root: type %q, want %q", m.Type, TypeGroup))
	}
	ids := map[string]bool{}
	linked := map[string]int{}
	var walk func(where string, n Node)
	walk = func(where string, n Node) {
		where += "/" + n.ID
		if n.ID == "" {
			errs = append(errs, fmt.Errorf("%s: id is required", where))
		} else if ids[n.ID] {
			errs = append(errs, fmt.Errorf("%s: id %q is used twice", where, n.ID))
		}
		ids[n.ID] = true
		if strings.TrimSpace(n.Label) == "" {
			errs = append(errs, fmt.Errorf("%s: label is required", where))
		}
		switch n.Type {
		case TypeGroup:
			if len(n.Children) == 0 {
				errs = append(errs, fmt.Errorf("%s: a group needs children", where))
			}
			if n.Args != nil && n.Args.Path != "" {
				errs = append(errs, fmt.Errorf("%s: a group has no path", where))
			}
		case TypeLink:
			if len(n.Children) > 0 {
				errs = append(errs, fmt.Errorf("%s: an internal-link has no children", where))
			}
			if err := checkPagePath(dir, n.Args); err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", where, err))
			} else {
				linked[strings.TrimPrefix(n.Args.Path, "/")]++
			}
		default:
			errs = append(errs, fmt.Errorf("%s: type %q, want %q or %q", where, n.Type, TypeGroup, TypeLink))
		}
		for _, c := range n.Children {
			walk(where, c)
		}
	}
	walk("", m.Node)
	pages, err := filepath.Glob(filepath.Join(dir, "*.md"))
	if err != nil {
		errs = append(errs, err)
	}
	sort.Strings(pages)
	for _, p := range pages {
		name := filepath.Base(p)
		if linked[name] != 1 {
			errs = append(errs, fmt.Errorf("%s is linked %d times, want once", name, linked[name]))
		}
	}
	return errors.Join(errs...)
}

func checkPagePath(dir string, args *Args) error {
	if args == nil || args.Path == "" {
		return errors.New("an internal-link needs args.path")
	}
	p := args.Path
	switch {
	case !strings.HasPrefix(p, "/"):
		return fmt.Errorf("path %q: start it with / (the tutorial's folder)", p)
	case path.Clean(p) != p || strings.Count(p, "/") != 1:
		return fmt.Errorf("path %q: pages sit at the top of the tutorial's folder", p)
	case path.Ext(p) != ".md":
		return fmt.Errorf("path %q: not a markdown page", p)
	}
	if _, err := os.Stat(filepath.Join(dir, p[1:])); err != nil {
		return fmt.Errorf("path %q: %w", p, err)
	}
	return nil
}
