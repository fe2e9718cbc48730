package tutorial

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Block is a fenced code block of a tutorial page.
type Block struct {
	File    string   // the page, for messages
	Line    int      // line of the opening fence, from 1
	Lang    string   // "redis" for RedisInsight's runnable blocks, else as written
	Params  string   // a redis block's run parameters, "[...]", or ""
	Label   string   // the text after the language: a redis block's button
	Text    string   // the lines between the fences
	Markers []string // the HTML comments right above the opening fence
}

// Runnable reports whether RedisInsight shows a button that runs the block.
func (b Block) Runnable() bool { return b.Lang == "redis" }

// Where names the block in messages.
func (b Block) Where() string { return fmt.Sprintf("%s:%d (%q)", b.File, b.Line, b.Label) }

// Marker returns the rest of the first marker that starts with name (a word
// such as "app:" or "returns data"), and whether there is one.
func (b Block) Marker(name string) (string, bool) {
	for _, m := range b.Markers {
		if rest, ok := strings.CutPrefix(m, name); ok && (rest == "" || rest[0] == ' ') {
			return strings.TrimSpace(rest), true
		}
	}
	return "", false
}

var markerRE = regexp.MustCompile(`^<!--\s*(.*?)\s*-->$`)

// ParseBlocks returns the fenced code blocks of a markdown page. Fences are
// ``` at the start of a line; an opening fence's info string is the
// language, then the label. RedisInsight reads a language "redis:[params]"
// as a redis block with run parameters.
func ParseBlocks(file, md string) ([]Block, error) {
	if strings.Contains(md, "\r") {
		return nil, fmt.Errorf("%s: carriage return found; pages use LF line ends", file)
	}
	lines := strings.Split(md, "\n")
	var blocks []Block
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		if strings.HasPrefix(strings.TrimLeft(line, " "), "```") && !strings.HasPrefix(line, "```") {
			return nil, fmt.Errorf("%s:%d: indented fence; start fences at the line's start", file, i+1)
		}
		if !strings.HasPrefix(line, "```") {
			continue
		}
		info := strings.TrimSpace(strings.TrimPrefix(line, "```"))
		if info == "" || strings.HasPrefix(info, "`") {
			return nil, fmt.Errorf("%s:%d: a fence opens without a language", file, i+1)
		}
		b := Block{File: file, Line: i + 1}
		lang, label, _ := strings.Cut(info, " ")
		b.Lang, b.Label = lang, strings.TrimSpace(label)
		if params, ok := strings.CutPrefix(lang, "redis:"); ok {
			b.Lang, b.Params = "redis", params
		}
		for j := i - 1; j >= 0; j-- {
			m := markerRE.FindStringSubmatch(lines[j])
			if m == nil {
				break
			}
			b.Markers = append([]string{m[1]}, b.Markers...)
		}
		end := i + 1
		for end < len(lines) && strings.TrimRight(lines[end], " ") != "```" {
			end++
		}
		if end == len(lines) {
			return nil, fmt.Errorf("%s:%d: the block is not closed", file, i+1)
		}
		b.Text = strings.Join(lines[i+1:end], "\n")
		blocks = append(blocks, b)
		i = end
	}
	return blocks, nil
}

// ParseParams reads a redis block's run parameters, "[name=value;...]", and
// checks them against those RedisInsight documents.
func ParseParams(params string) (map[string]string, error) {
	if params == "" {
		return nil, nil
	}
	inner, opened := strings.CutPrefix(params, "[")
	inner, closed := strings.CutSuffix(inner, "]")
	if !opened || !closed {
		return nil, fmt.Errorf("run parameters %q: want [name=value;...]", params)
	}
	if strings.ContainsAny(inner, " \t") {
		return nil, fmt.Errorf("run parameters %q: RedisInsight ignores parameters with spaces", params)
	}
	out := map[string]string{}
	for _, p := range strings.Split(inner, ";") {
		if p == "" {
			continue
		}
		name, value, _ := strings.Cut(p, "=")
		if err := checkParam(name, value); err != nil {
			return nil, fmt.Errorf("run parameters %q: %w", params, err)
		}
		out[name] = value
	}
	return out, nil
}

func checkParam(name, value string) error {
	allowed := map[string][]string{
		"results":          {"single", "group", "silent"},
		"mode":             {"ascii", "raw"},
		"run_confirmation": {"true"},
	}
	if name == "pipeline" {
		if _, err := strconv.Atoi(value); err != nil {
			return fmt.Errorf("pipeline=%q is not a number", value)
		}
		return nil
	}
	values, ok := allowed[name]
	if !ok {
		return fmt.Errorf("unknown parameter %q (documented: results, mode, pipeline, run_confirmation)", name)
	}
	for _, v := range values {
		if v == value {
			return nil
		}
	}
	return fmt.Errorf("%s=%q: documented values are %s", name, value, strings.Join(values, ", "))
}
