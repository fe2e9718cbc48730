package main

import (
	"bufio"
	"fmt"
	"strconv"
)

// appendCommand encodes a command as a RESP array of bulk strings, the way
// go-redis writes its arguments.
func appendCommand(b []byte, args []any) []byte {
	b = append(b, '*')
	b = strconv.AppendInt(b, int64(len(args)), 10)
	b = append(b, '\r', '\n')
	for _, a := range args {
		var s []byte
		switch v := a.(type) {
		case string:
			s = []byte(v)
		case []byte:
			s = v
		case int:
			s = strconv.AppendInt(nil, int64(v), 10)
		case int64:
			s = strconv.AppendInt(nil, v, 10)
		case float64:
			s = strconv.AppendFloat(nil, v, 'f', -1, 64)
		default:
			s = fmt.Append(nil, v)
		}
		b = append(b, '$')
		b = strconv.AppendInt(b, int64(len(s)), 10)
		b = append(b, '\r', '\n')
		b = append(b, s...)
		b = append(b, '\r', '\n')
	}
	return b
}

// reply is the top of one RESP2 reply; nested arrays are read and skipped.
type reply struct {
	kind byte  // '+', '-', ':', '$' or '*'
	n    int64 // the integer of ':', the length of '$' or '*'
	text string
}

// readReply reads one whole reply from r.
func readReply(r *bufio.Reader) (reply, error) {
	line, err := r.ReadSlice('\n')
	if err != nil {
		return reply{}, err
	}
	if len(line) < 3 {
		return reply{}, fmt.Errorf("resp: short line %q", line)
	}
	rep := reply{kind: line[0]}
	body := string(line[1 : len(line)-2])
	switch rep.kind {
	case '+', '-':
		rep.text = body
	case ':', '$', '*':
		rep.n, err = strconv.ParseInt(body, 10, 64)
		if err != nil {
			return reply{}, fmt.Errorf("resp: bad length %q", line)
		}
	default:
		return reply{}, fmt.Errorf("resp: unexpected %q", line)
	}
	switch {
	case rep.kind == '$' && rep.n >= 0:
		if _, err := r.Discard(int(rep.n) + 2); err != nil {
			return reply{}, err
		}
	case rep.kind == '*':
		for i := int64(0); i < rep.n; i++ {
			if _, err := readReply(r); err != nil {
				return reply{}, err
			}
		}
	}
	return rep, nil
}
