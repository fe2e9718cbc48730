package tutorial_test

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/beatsbyredis/beats/internal/config"
	"github.com/beatsbyredis/beats/internal/ingest"
	"github.com/beatsbyredis/beats/internal/tutorial"
)

func TestBlocksAreTheAppsCommands(t *testing.T) {
	_, pages := loadTutorial(t)
	for _, m := range markedBlocks(t, pages, "app:", "no block is marked as an app command") {
		b, marker := m.block, m.value
		cmds, err := blockArgs(b)
		if err != nil {
			t.Errorf("%s: %v", b.Where(), err)
			continue
		}
		app, err := captureApp(marker, cmds)
		if err != nil {
			t.Errorf("%s: app: %s: %v", b.Where(), marker, err)
			continue
		}
		if len(app) != len(cmds) {
			t.Errorf("%s: app: %s issues %d commands, the block has %d:\napp:  %q\npage: %q", b.Where(), marker, len(app), len(cmds), app, cmds)
			continue
		}
		for i := range app {
			if !sameCommand(cmds[i], app[i]) {
				t.Errorf("%s: app: %s: command %d differs:\napp:  %q\npage: %q", b.Where(), marker, i+1, app[i], cmds[i])
			}
		}
	}
}

// marked is a block with a <!-- marker value --> comment, and the value.
type marked struct {
	block tutorial.Block
	value string
}

// markedBlocks returns the pages' blocks with the marker; none says what is
// wrong when there are none.
func markedBlocks(t *testing.T, pages []page, marker, none string) []marked {
	t.Helper()
	var out []marked
	for _, p := range pages {
		for _, b := range p.blocks {
			if value, ok := b.Marker(marker); ok {
				out = append(out, marked{b, value})
			}
		}
	}
	if len(out) == 0 {
		t.Error(none)
	}
	return out
}

// listingRE finds a line that starts with a command name (GET, FT.SEARCH).
var listingRE = regexp.MustCompile(`^[A-Z][A-Z_]+(\.[A-Z_]+)?( |$)`)

func TestListingsAreChecked(t *testing.T) {
	_, pages := loadTutorial(t)
	for _, p := range pages {
		for _, b := range p.blocks {
			if b.Runnable() {
				continue
			}
			_, app := b.Marker("app:")
			_, script := b.Marker("script:")
			_, cli := b.Marker("cli")
			if app || script || cli {
				continue
			}
			for _, line := range strings.Split(b.Text, "\n") {
				if listingRE.MatchString(line) {
					t.Errorf("%s: %q lists a command: mark the block <!-- app: ... --> or <!-- script: ... --> so the test checks it against the code, or <!-- cli --> when the reader types it", b.Where(), line)
					break
				}
			}
		}
	}
}

func TestConsumersPerInstance(t *testing.T) {
	_, pages := loadTutorial(t)
	words := []string{"no", "one", "two", "three", "four"}
	phrase := words[config.DefaultConsumers] + " consumers"
	for _, p := range pages {
		if p.name == "overview.md" || p.name == "streams.md" {
			if !strings.Contains(p.text, phrase) {
				t.Errorf("%s does not say that each instance runs %q (config.DefaultConsumers)", p.name, phrase)
			}
		}
	}
}

// keyFiles declare the app's Redis key names as string constants.
var keyFiles = []string{"../purchases/keys.go", "../accounts/keys.go", "../watchlist/keys.go"}

func TestKeysAreExplained(t *testing.T) {
	_, pages := loadTutorial(t)
	overview := pages[0]
	names := []string{ingest.LeaseKey}
	for _, f := range keyFiles {
		consts, err := stringConstants(f)
		if err != nil {
			t.Fatal(err)
		}
		if len(consts) == 0 {
			t.Fatalf("%s declares no key name", f)
		}
		names = append(names, consts...)
	}
	for _, name := range names {
		if !strings.Contains(overview.text, name) {
			t.Errorf("%s does not mention the key name %q", overview.name, name)
		}
	}
}

// stringConstants returns the values of a Go file's string constants.
func stringConstants(file string) ([]string, error) {
	f, err := parser.ParseFile(token.NewFileSet(), file, nil, 0)
	if err != nil {
		return nil, fmt.Errorf("read key names: %w", err)
	}
	var out []string
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.CONST {
			continue
		}
		for _, spec := range gd.Specs {
			for _, v := range spec.(*ast.ValueSpec).Values {
				lit, ok := v.(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					continue
				}
				s, err := strconv.Unquote(lit.Value)
				if err != nil {
					return nil, fmt.Errorf("%s: %w", file, err)
				}
				out = append(out, s)
			}
		}
	}
	return out, nil
}

func TestSameCommand(t *testing.T) {
	item := `{"utc_date": 1.5, "artist_name": "A", "url": "//a.bandcamp.com"}`
	compact := `{"utc_date":1.5,"artist_name":"A","url":"//a.bandcamp.com","art_id":null}`
	cases := []struct {
		name      string
		page, app []string
		want      bool
	}{
		{"equal", []string{"GET", "k"}, []string{"GET", "k"}, true},
		{"keyword in capitals", []string{"XADD", "s", "MAXLEN", "~", "10"}, []string{"xadd", "s", "maxlen", "~", "10"}, true},
		{"any argument in capitals matches in any case", []string{"GET", "PURCHASES"}, []string{"get", "purchases"}, true},
		{"key in other case", []string{"GET", "Purchases"}, []string{"get", "purchases"}, false},
		{"other value", []string{"LIMIT", "0", "30"}, []string{"LIMIT", "0", "300"}, false},
		{"other length", []string{"GET"}, []string{"GET", "k"}, false},
		{"item as JSON", []string{"XADD", "s", "*", "item", item}, []string{"xadd", "s", "*", "item", compact}, true},
		{"other item", []string{"XADD", "s", "*", "item", item}, []string{"xadd", "s", "*", "item", `{"artist_name":"B"}`}, false},
	}
	for _, c := range cases {
		if got := sameCommand(c.page, c.app); got != c.want {
			t.Errorf("%s: sameCommand(%q, %q) = %v, want %v", c.name, c.page, c.app, got, c.want)
		}
	}
}
