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
//     removal and quoting intact, is not refused by the Workbench (a block
//     for the CLI is refused there and runs in the CLI), and uses only known
//     placeholders, markers and steps.
//   - TestListingsAreChecked: every block that lists commands without a Run
//     button is marked as the app's commands (app:), the save script's
//     (script:) or the reader's, typed into the CLI (cli).
//   - TestBlocksAreTheAppsCommands: a block marked <!-- app: NAME ARGS -->
//     holds exactly the commands the app issues for NAME (recorded with a
//     go-redis hook), so a change in the app's queries fails here.
//   - TestScriptListings: a listing marked <!-- script: save.lua -->
//     holds exactly the commands the save script sends, with their
//     arguments (recorded by running the script), in order.
//   - TestKeysAreExplained: every key name the app declares (in
//     internal/purchases/keys.go, internal/accounts/keys.go,
//     internal/watchlist/keys.go and ingest.LeaseKey) appears on the
//     overview page, so a rename fails here.
//   - TestEveryPageRunsAlone: for each page, and for each feed a reader's
//     app may run (the recorded feed, the synthetic one), starts the app on
//     an empty Redis Stack, lets it store its first purchases, then does
//     what the page asks the reader to do and runs its commands in order.
//     It fails when a command errors, when a block marked
//     <!-- returns data --> answers with nothing, when a command writes
//     anything but scratch keys (tutorial:*), when a placeholder's value was
//     not shown by an earlier command of the page, or when the page leaves
//     scratch keys behind. No page depends on another.
//
// The conventions themselves are described in doc.go.
package tutorial_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/beatsbyredis/beats/internal/tutorial"
)

const tutorialDir = "../../tutorial"

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
	_, cli := b.Marker("cli")
	for _, m := range b.Markers {
		name, arg, _ := strings.Cut(m, " ")
		switch {
		case m == "returns data":
			if !b.Runnable() && !cli {
				errs = append(errs, errors.New("only a block the reader runs can promise data"))
			}
		case m == "cli":
			if b.Runnable() {
				errs = append(errs, errors.New("a block typed into the CLI has no Run button: make it a text block"))
			}
		case name == "app:":
			if call, _, _ := strings.Cut(arg, " "); appCalls[call] == nil {
				errs = append(errs, fmt.Errorf("marker %q: unknown app call", m))
			}
		case name == "script:":
		case name == "step:":
			if steps[arg] == nil {
				errs = append(errs, fmt.Errorf("marker %q: unknown step", m))
			}
		default:
			errs = append(errs, fmt.Errorf("unknown marker %q (want returns data, app:, script:, cli or step:)", m))
		}
	}
	if !b.Runnable() && !cli {
		return errs
	}
	if b.Runnable() && b.Label == "" {
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
	if cli && strings.Count(strings.TrimSpace(b.Text), "\n") != len(lines)-1 {
		errs = append(errs, errors.New("the CLI takes one line per command: do not continue a command on the next line"))
	}
	for _, line := range lines {
		if _, err := tutorial.SplitArgs(line); err != nil {
			errs = append(errs, fmt.Errorf("%q: %w", line, err))
		}
		for _, issue := range tutorial.Portability(line) {
			errs = append(errs, fmt.Errorf("%q: %s", line, issue))
		}
		switch why := tutorial.Refused(line); {
		case b.Runnable() && why != "":
			errs = append(errs, fmt.Errorf("%q: %s; ask the reader to type it into the CLI (<!-- cli --> on a text block)", line, why))
		case cli && why == "":
			errs = append(errs, fmt.Errorf("%q: the Workbench runs it; make the block a redis block", line))
		case cli && tutorial.RefusedInCLI(line) != "":
			errs = append(errs, fmt.Errorf("%q: %s", line, tutorial.RefusedInCLI(line)))
		}
		for _, m := range placeholderRE.FindAllStringSubmatch(line, -1) {
			if placeholders[m[1]] == nil {
				errs = append(errs, fmt.Errorf("%q: unknown placeholder %s", line, m[0]))
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

func TestEveryPageRunsAlone(t *testing.T) {
	_, pages := loadTutorial(t)
	for _, f := range feeds {
		for _, p := range pages {
			t.Run(f.name+"/"+strings.TrimSuffix(p.name, ".md"), func(t *testing.T) {
				t.Parallel()
				reader := startApp(t, f.args, f.stored)
				newRunner(reader).runPage(t, p)
				left, err := leftovers(t.Context(), reader.rdb)
				if err != nil {
					t.Fatal(err)
				}
				if len(left) > 0 {
					t.Errorf("the page leaves %v behind: delete the scratch keys it makes", left)
				}
			})
		}
	}
}
