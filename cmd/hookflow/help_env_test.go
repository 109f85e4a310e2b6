package main

import (
	"strings"
	"testing"
)

func TestPlainText(t *testing.T) {
	t.Parallel()
	got := plainText("deadline (`504`, [docs/server.md](docs/server.md#timeouts))")
	if got != "deadline (504, docs/server.md)" {
		t.Fatalf("plainText = %q", got)
	}
}

func TestWrap(t *testing.T) {
	t.Parallel()
	lines := wrap("one two three four five six seven", 10)
	if strings.Join(lines, "|") != "one two|three four|five six|seven" {
		t.Fatalf("wrap = %q", lines)
	}
	if lines := wrap("averyveryverylongword x", 5); lines[0] != "averyveryverylongword" {
		t.Fatalf("a long word is kept whole: %q", lines)
	}
}
