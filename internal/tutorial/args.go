package tutorial

import (
	"errors"
	"fmt"
	"strings"
)

// Errors of SplitArgs, worded as RedisInsight words them.
var (
	ErrUnterminatedQuotes = errors.New("unterminated quotes")
	ErrQuoteClosing       = errors.New("closing quote must be followed by a space or nothing at all")
)

// SplitArgs splits one command line into its arguments the way RedisInsight's
// Workbench does (its splitCliCommandLine, a port of redis-cli's
// sdssplitargs):
//
//   - arguments are separated by spaces; a tab, CR, LF or NUL also ends an
//     unquoted argument;
//   - "double quotes" understand \xHH (a byte in hex), \n \r \t \b \a, and a
//     backslash before any other character stands for that character;
//   - 'single quotes' take everything literally except \' (a quote);
//   - a quote may open in the middle of an argument (abc"def" is abcdef), and
//     a closing quote must be followed by a space or the end of the line.
//
// It works on bytes, so any UTF-8 text passes through unchanged. RedisInsight
// itself works on UTF-16 units and mangles some characters inside double
// quotes; Portability reports those.
func SplitArgs(line string) ([]string, error) {
	args, _, err := split(line)
	return args, err
}

// Portability lists what RedisInsight would send differently from SplitArgs:
// characters outside the Basic Multilingual Plane inside double quotes
// (RedisInsight turns each half of their UTF-16 pair into U+FFFD) and a
// backslash before a non-ASCII character inside double quotes (RedisInsight
// keeps one byte of it). Single quotes carry both safely.
func Portability(line string) []string {
	_, issues, _ := split(line)
	return issues
}

func split(line string) (args, issues []string, err error) {
	n := len(line)
	i := 0
	for i < n {
		for i < n && line[i] == ' ' {
			i++
		}
		var cur []byte
		inq, insq, done := false, false, false
		for !done {
			switch {
			case inq:
				switch {
				case i >= n:
					return nil, issues, ErrUnterminatedQuotes
				case line[i] == '\\' && i+3 < n && line[i+1] == 'x' && isHex(line[i+2]) && isHex(line[i+3]):
					cur = append(cur, hexVal(line[i+2])<<4|hexVal(line[i+3]))
					i += 3
				case line[i] == '\\':
					i++
					if i >= n {
						return nil, issues, ErrUnterminatedQuotes
					}
					if line[i] >= 0x80 {
						issues = append(issues, fmt.Sprintf("backslash before a non-ASCII character inside double quotes at byte %d", i-1))
					}
					cur = append(cur, specialChar(line[i]))
				case line[i] == '"':
					if i+1 < n && line[i+1] != ' ' {
						return nil, issues, ErrQuoteClosing
					}
					done = true
				default:
					if line[i] >= 0xF0 {
						issues = append(issues, fmt.Sprintf("character outside the Basic Multilingual Plane inside double quotes at byte %d", i))
					}
					cur = append(cur, line[i])
				}
			case insq:
				switch {
				case i >= n:
					return nil, issues, ErrUnterminatedQuotes
				case line[i] == '\\' && i+1 < n && line[i+1] == '\'':
					i++
					cur = append(cur, '\'')
				case line[i] == '\'':
					if i+1 < n && line[i+1] != ' ' {
						return nil, issues, ErrQuoteClosing
					}
					done = true
				default:
					cur = append(cur, line[i])
				}
			case i >= n:
				done = true
			case strings.IndexByte(" \n\r\t\x00", line[i]) >= 0:
				done = true
			case line[i] == '"':
				inq = true
			case line[i] == '\'':
				insq = true
			default:
				cur = append(cur, line[i])
			}
			if i < n {
				i++
			}
		}
		args = append(args, string(cur))
	}
	return args, issues, nil
}

// specialChar is what a backslash followed by c stands for in double quotes.
func specialChar(c byte) byte {
	switch c {
	case 'a':
		return 7
	case 'b':
		return 8
	case 't':
		return '\t'
	case 'n':
		return '\n'
	case 'r':
		return '\r'
	}
	return c
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func hexVal(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	}
	return c - 'a' + 10
}

// Quote writes arg so that SplitArgs reads it back unchanged: bare when it
// is plain, else in double quotes with \\, \" and \xHH for control bytes.
func Quote(arg string) string {
	if arg != "" && !strings.ContainsAny(arg, " \"'\\") && !hasControl(arg) {
		return arg
	}
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(arg); i++ {
		switch c := arg[i]; {
		case c == '\\' || c == '"':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < 0x20 || c == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

func hasControl(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] == 0x7f {
			return true
		}
	}
	return false
}
