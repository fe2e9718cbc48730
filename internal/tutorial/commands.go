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

// What RedisInsight refuses, from its source (github.com/redis/RedisInsight
// at 602971420b41, 2026-08-21). Both compare the start of the lower-cased
// command line, so XREADGROUP is refused with or without BLOCK.
//
// The Workbench (the editor where a tutorial's Run buttons send their
// commands) refuses workbenchRefused: redisinsight/api/src/modules/workbench/
// workbench.service.ts, findCommandInBlackList, joins
// modules/workbench/utils/getUnsupportedCommands.ts
// (WorkbenchToolUnsupportedCommands) and utils/cli-helper.ts
// (CliToolBlockingCommands, the blocking commands).
//
// The CLI (the ">_ CLI" panel at the bottom of the window) refuses only
// cliRefused: modules/cli/utils/getUnsupportedCommands.ts
// (CliToolUnsupportedCommands). It runs the blocking commands, so a page
// asks the reader to type XREADGROUP and XREAD there.
var (
	blockingCommands = []string{"blpop", "brpop", "blmove", "brpoplpush", "bzpopmin", "bzpopmax", "xread", "xreadgroup"}
	cliRefused       = []string{"monitor", "subscribe", "psubscribe", "ssubscribe", "sync", "psync", "script debug", "hello 3"}
	workbenchRefused = append(append([]string{"select"}, cliRefused...), blockingCommands...)
)

// Refused returns the Workbench's reason to refuse a command line, or "".
func Refused(line string) string {
	if p := refusedBy(workbenchRefused, line); p != "" {
		return fmt.Sprintf("RedisInsight's Workbench refuses %s (unsupported or blocking)", strings.ToUpper(p))
	}
	return ""
}

// RefusedInCLI returns the CLI's reason to refuse a command line, or "".
func RefusedInCLI(line string) string {
	if p := refusedBy(cliRefused, line); p != "" {
		return fmt.Sprintf("RedisInsight's CLI refuses %s", strings.ToUpper(p))
	}
	return ""
}

func refusedBy(prefixes []string, line string) string {
	lower := strings.ToLower(strings.TrimSpace(line))
	for _, p := range prefixes {
		if strings.HasPrefix(lower, p) {
			return p
		}
	}
	return ""
}
