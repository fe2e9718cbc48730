package tutorial

import (
	"fmt"
	"html"
	"regexp"
	"strings"
)

// Commands returns the command lines RedisInsight sends for the text of a
// redis block, in order, each as one line ready for SplitArgs. It follows
// the Workbench's steps:
//
//  1. a new command starts at each line that does not begin with
//     whitespace; indented lines continue the command above;
//  2. a first line in [brackets] holds run parameters and is dropped;
//  3. HTML entities are decoded and "//" comments removed: whole indented
//     comment lines, and the rest of a line from a "//" that is not inside
//     quotes (RedisInsight's test: an odd number of ', " or ` before it);
//  4. the lines of a command are joined with single spaces.
//
// A line that starts with a number and a space is an error: RedisInsight
// would run the rest of the line that many times.
func Commands(text string) ([]string, error) {
	var out []string
	for i, raw := range splitCommands(text) {
		if i == 0 && isParamsLine(raw) {
			raw = removeParams(raw)
		}
		cmd := removeComments(strings.TrimSpace(html.UnescapeString(raw)))
		if cmd == "" {
			continue
		}
		if repeatRE.MatchString(cmd) {
			return nil, fmt.Errorf("command %q starts with a repeat count", firstLine(cmd))
		}
		out = append(out, oneLine(cmd))
	}
	return out, nil
}

var (
	repeatRE       = regexp.MustCompile(`^\d+\s`)
	commentLineRE  = regexp.MustCompile(`^\s+//`)
	continuationRE = regexp.MustCompile(`(?:\r\n|\n|\r)+\s+`)
)

// splitCommands splits text at each newline followed by a character that
// is not whitespace (RedisInsight's /\n(?=[^\s])/; Go's regexp has no
// lookahead).
func splitCommands(text string) []string {
	var parts []string
	start := 0
	for i := 0; i < len(text); i++ {
		if text[i] == '\n' && i+1 < len(text) && !isSpace(text[i+1]) {
			parts = append(parts, text[start:i])
			start = i + 1
		}
	}
	return append(parts, text[start:])
}

func isSpace(c byte) bool { return strings.IndexByte(" \t\n\r\v\f", c) >= 0 }

func isParamsLine(s string) bool {
	s = strings.TrimSpace(s)
	return strings.HasPrefix(s, "[") && strings.Contains(s, "]")
}

func removeParams(s string) string {
	s = strings.TrimSpace(s)
	return strings.TrimSpace(s[strings.Index(s, "]")+1:])
}

// removeComments drops indented comment lines and trailing comments.
func removeComments(text string) string {
	var kept []string
	for _, line := range strings.Split(text, "\n") {
		if commentLineRE.MatchString(line) {
			continue
		}
		kept = append(kept, removeLineComment(line, ""))
	}
	return strings.TrimSpace(strings.Join(kept, "\n"))
}

// removeLineComment is RedisInsight's removeCommentsFromLine: a "//" after
// an odd number of some quote character is inside quotes and stays.
func removeLineComment(text, prefix string) string {
	command, rest, found := strings.Cut(text, "//")
	if found && command != "" && oddQuotes(prefix+command) {
		return removeLineComment(rest, prefix+command+"//")
	}
	if i := strings.Index(text, "//"); i >= 0 {
		text = text[:i]
	}
	return prefix + text
}

func oddQuotes(s string) bool {
	for _, q := range []string{"'", `"`, "`"} {
		if strings.Count(s, q)%2 == 1 {
			return true
		}
	}
	return false
}

// oneLine joins a command's lines as RedisInsight's multilineCommandToOneLine.
func oneLine(cmd string) string {
	var parts []string
	for _, p := range continuationRE.Split(cmd, -1) {
		if p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, " ")
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// CommentCuts returns the lines of text that RedisInsight would cut short
// at a "//" it takes for a comment, although the line is not a comment
// (such as a URL outside quotes).
func CommentCuts(text string) []string {
	var cut []string
	for _, line := range strings.Split(text, "\n") {
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || strings.HasPrefix(trimmed, "//") {
			continue
		}
		if removeLineComment(line, "") != line {
			cut = append(cut, line)
		}
	}
	return cut
}

// refusedPrefixes are the commands RedisInsight's Workbench refuses to run:
// those it does not support and the blocking ones. It compares the start
// of the lower-cased command line, as these do.
var refusedPrefixes = []string{
	"monitor", "subscribe", "psubscribe", "ssubscribe", "sync", "psync", "script debug", "hello 3",
	"blpop", "brpop", "blmove", "brpoplpush", "bzpopmin", "bzpopmax", "xread", "xreadgroup",
}

// Refused returns the Workbench's reason to refuse a command line, or "".
func Refused(line string) string {
	lower := strings.ToLower(strings.TrimSpace(line))
	for _, p := range refusedPrefixes {
		if strings.HasPrefix(lower, p) {
			return fmt.Sprintf("RedisInsight's Workbench refuses %s (unsupported or blocking)", strings.ToUpper(p))
		}
	}
	return ""
}
