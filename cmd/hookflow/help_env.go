package main

import (
	"regexp"
	"strings"

	"github.com/hookflow/hookflow/envconfig"
)

// environmentHelp lists the environment variables for --help, from the
// same list the README's configuration table is generated from.
func environmentHelp() string {
	var b strings.Builder
	b.WriteString("Environment variables (every one has a working default):\n")
	for _, v := range envconfig.Variables() {
		b.WriteString("\n  " + strings.Join(v.Names, ", "))
		if v.Default != "" {
			b.WriteString("  (default: " + plainText(v.Default) + ")")
		}
		b.WriteString("\n")
		for _, line := range wrap(plainText(v.Meaning), 74) {
			b.WriteString("      " + line + "\n")
		}
	}
	return b.String()
}

// markdownLink matches [text](target).
var markdownLink = regexp.MustCompile(`\[([^\]]*)\]\([^)]*\)`)

// plainText drops the Markdown of a table cell: links keep their text,
// code loses its backticks.
func plainText(md string) string {
	return strings.ReplaceAll(markdownLink.ReplaceAllString(md, "$1"), "`", "")
}

// wrap breaks text into lines of at most width runes where it can.
func wrap(text string, width int) []string {
	var lines []string
	line := ""
	for _, word := range strings.Fields(text) {
		if line != "" && len([]rune(line))+1+len([]rune(word)) > width {
			lines = append(lines, line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += word
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}
