package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestRunRejectsBadCommandLines(t *testing.T) {
	tests := []struct {
		args    []string
		wantErr string
	}{
		{nil, "no command"},
		{[]string{"frobnicate"}, "unknown command"},
		{[]string{"serve", "--feed", "kafka"}, "--feed"},
		{[]string{"serve", "--speed", "-1"}, "--speed"},
		{[]string{"record"}, "--out"},
		{[]string{"record", "--out", "x.jsonl", "--duration", "-1s"}, "--duration"},
	}
	for _, tt := range tests {
		var stdout, stderr bytes.Buffer
		err := run(context.Background(), tt.args, func(string) string { return "" }, &stdout, &stderr)
		if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("run(%q) = %v, want an error mentioning %q", tt.args, err, tt.wantErr)
		}
	}
}

func TestRunHelp(t *testing.T) {
	var stdout bytes.Buffer
	if err := run(context.Background(), []string{"help"}, func(string) string { return "" }, &stdout, &stdout); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout.String(), "beats serve") {
		t.Fatalf("help = %q", stdout.String())
	}
}
