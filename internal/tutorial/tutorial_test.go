// The tests of the RedisInsight tutorial in tutorial/. They read it the way
// RedisInsight does (manifest.json, then each page's ```redis blocks, split
// into commands and arguments as the Workbench splits them) and hold it to
// the app:
//
//   - TestManifest: manifest.json follows RedisInsight's custom tutorial
//     format (a root group of internal-link nodes with unique ids and
//     labels) and links every page, each once, and only files that exist.
//   - TestBlocksFollowTheConventions: every runnable block has a label and
//     documented run parameters, parses, survives RedisInsight's comment
//     removal and quoting intact, is not refused by the Workbench, and uses
//     only known placeholders and markers.
//   - TestBlocksAreTheAppsCommands: a block marked <!-- app: NAME ARGS -->
//     holds exactly the commands the app issues for NAME (recorded with a
//     go-redis hook), so a change in the app's queries fails here.
//   - TestSaveScriptListing: the listing marked <!-- script: save.lua -->
//     names the commands of the save script, in order.
//   - TestKeysAreExplained: every key name the app declares (in
//     internal/purchases/keys.go, internal/accounts/keys.go and
//     ingest.LeaseKey) appears on the overview page, so a rename fails here.
//   - TestTutorialRunsAgainstTheApp: fills a fresh Redis Stack through the
//     app's own pipeline and accounts (see fill), then runs every command of
//     every page in order. It fails when a command errors, when a block
//     marked <!-- returns data --> answers with nothing, when a command
//     writes to the app's keys without run_confirmation=true, or when a
//     placeholder's value was not shown by an earlier command on its page.
//
// Block conventions, also described in doc.go and on the overview page:
//
//   - <!-- returns data --> on the line(s) right above a block's fence: each
//     of its commands must answer with data (see tutorial.HasData).
//   - <!-- app: NAME ARGS -->: the block is the app's command (see appCalls).
//   - Placeholders <id>, <entry-id>, <user-id>, <session-id>, <account-id>
//     and <hour> in runnable blocks stand for a value the reader copies
//     from an earlier command's output ("replace <id> with an id from the
//     previous command"); the test substitutes a real one (see fill).
package tutorial_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/beatsbyredis/beats/internal/redistest"
	"github.com/beatsbyredis/beats/internal/tutorial"
)

const tutorialDir = "../../tutorial"

// placeholders are the values a reader copies; fill provides them.
var placeholders = []string{"id", "entry-id", "user-id", "session-id", "account-id", "hour"}

var placeholderRE = regexp.MustCompile(`<([a-z][a-z-]*)>`)

// confirmedWrites are the app's own writes a page may show runnable, in a
// block that asks for confirmation: the feed's XADD and the pipeline's XACK.
var confirmedWrites = []string{"XADD", "XACK"}

// scratchPrefix starts the keys pages may write freely.
const scratchPrefix = "tutorial:"

type page struct {
	name   string
	text   string
	blocks []tutorial.Block
}

// loadTutorial reads the manifest and its pages, in the manifest's order.
func loadTutorial(t *testing.T) (tutorial.Manifest, []page) {
	t.Helper()
	m, err := tutorial.ReadManifest(tutorialDir)
	if err != nil {
		t.Fatal(err)
	}
	var pages []page
	for _, name := range m.Pages() {
		raw, err := os.ReadFile(filepath.Join(tutorialDir, name))
		if err != nil {
			t.Fatalf("page %s: %v", name, err)
		}
		blocks, err := tutorial.ParseBlocks(name, string(raw))
		if err != nil {
			t.Fatal(err)
		}
		pages = append(pages, page{name: name, text: string(raw), blocks: blocks})
	}
	if len(pages) == 0 {
		t.Fatal("the manifest links no page")
	}
	return m, pages
}

func TestManifest(t *testing.T) {
	m, pages := loadTutorial(t)
	if err := m.Validate(tutorialDir); err != nil {
		t.Errorf("manifest.json:\n%v", err)
	}
	for _, p := range pages {
		if !strings.HasPrefix(p.text, "# ") {
			t.Errorf("%s: start the page with its title, a level-1 heading", p.name)
		}
	}
}

func TestBlocksFollowTheConventions(t *testing.T) {
	_, pages := loadTutorial(t)
	runnable := 0
	for _, p := range pages {
		for _, b := range p.blocks {
			for _, err := range blockProblems(b) {
				t.Errorf("%s: %v", b.Where(), err)
			}
			if b.Runnable() {
				runnable++
			}
		}
	}
	if runnable == 0 {
		t.Error("no runnable block in the tutorial")
	}
}

// blockProblems lists what breaks the conventions in one block.
func blockProblems(b tutorial.Block) []error {
	var errs []error
	for _, m := range b.Markers {
		name, arg, _ := strings.Cut(m, " ")
		switch {
		case m == "returns data":
			if !b.Runnable() {
				errs = append(errs, errors.New("only a runnable block can promise data"))
			}
		case name == "app:":
			if call, _, _ := strings.Cut(arg, " "); appCalls[call] == nil {
				errs = append(errs, fmt.Errorf("marker %q: unknown app call", m))
			}
		case name == "script:":
		default:
			errs = append(errs, fmt.Errorf("unknown marker %q (want returns data, app: or script:)", m))
		}
	}
	if !b.Runnable() {
		return errs
	}
	if b.Label == "" {
		errs = append(errs, errors.New("a redis block needs a label, its button's text"))
	}
	if _, err := tutorial.ParseParams(b.Params); err != nil {
		errs = append(errs, err)
	}
	for _, line := range tutorial.CommentCuts(b.Text) {
		errs = append(errs, fmt.Errorf("RedisInsight would cut %q at its \"//\"; quote the argument", line))
	}
	lines, err := tutorial.Commands(b.Text)
	if err != nil {
		return append(errs, err)
	}
	if len(lines) == 0 {
		errs = append(errs, errors.New("no command"))
	}
	for _, line := range lines {
		if _, err := tutorial.SplitArgs(line); err != nil {
			errs = append(errs, fmt.Errorf("%q: %w", line, err))
		}
		for _, issue := range tutorial.Portability(line) {
			errs = append(errs, fmt.Errorf("%q: %s", line, issue))
		}
		if why := tutorial.Refused(line); why != "" {
			errs = append(errs, fmt.Errorf("%q: %s; show it in a text block", line, why))
		}
		for _, m := range placeholderRE.FindAllStringSubmatch(line, -1) {
			if !slices.Contains(placeholders, m[1]) {
				errs = append(errs, fmt.Errorf("%q: unknown placeholder %s (known: %v)", line, m[0], placeholders))
			}
		}
	}
	return errs
}

// blockArgs splits a block into commands and their arguments.
func blockArgs(b tutorial.Block) ([][]string, error) {
	lines, err := tutorial.Commands(b.Text)
	if err != nil {
		return nil, err
	}
	var cmds [][]string
	for _, line := range lines {
		args, err := tutorial.SplitArgs(line)
		if err != nil {
			return nil, fmt.Errorf("%q: %w", line, err)
		}
		cmds = append(cmds, args)
	}
	return cmds, nil
}

func TestTutorialRunsAgainstTheApp(t *testing.T) {
	_, pages := loadTutorial(t)
	rdb := redistest.New(t)
	values := fill(t, rdb)
	r := runner{rdb: rdb, values: values, writes: map[string]bool{}}
	for _, p := range pages {
		t.Run(strings.TrimSuffix(p.name, ".md"), func(t *testing.T) {
			var shown []string // what the page's commands answered so far
			for _, b := range p.blocks {
				if b.Runnable() {
					shown = r.runBlock(t, b, shown)
				}
			}
		})
	}
}
