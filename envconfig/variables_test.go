package envconfig

import (
	"flag"
	"os"
	"strings"
	"testing"
)

var updateREADME = flag.Bool("update", false, "rewrite the README's configuration table from Variables")

// commandVariables are read by cmd/hookflow rather than Read.
var commandVariables = map[string]bool{"GOGC": true, "PPROF_ADDR": true, "HOOKFLOW_URL": true, "HOOKFLOW_TOKEN": true}

// TestConfigVariablesAreComplete: every variable Read reads is in
// Variables, and every listed one is read somewhere.
func TestConfigVariablesAreComplete(t *testing.T) {
	t.Parallel()
	read := map[string]bool{}
	_, _ = Read(func(name string) string { read[name] = true; return "" })
	listed := map[string]bool{}
	for _, v := range Variables() {
		for _, name := range v.Names {
			if listed[name] {
				t.Errorf("%s is listed twice", name)
			}
			listed[name] = true
		}
	}
	for name := range read {
		if !listed[name] {
			t.Errorf("Read reads %s, which Variables does not list", name)
		}
	}
	for name := range commandVariables {
		if !listed[name] {
			t.Errorf("cmd/hookflow reads %s, which Variables does not list", name)
		}
	}
	for name := range listed {
		if !read[name] && !commandVariables[name] {
			t.Errorf("%s is listed but nothing reads it", name)
		}
	}
}

// TestREADMEConfigurationTable: the README's table is Variables
// written as Markdown; `go test -run TestREADMEConfigurationTable -update ./envconfig`
// writes it.
func TestREADMEConfigurationTable(t *testing.T) {
	raw, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(raw)
	const header = "| variable | default | meaning |\n|---|---|---|\n"
	start := strings.Index(readme, header)
	if start < 0 {
		t.Fatal("the README has no configuration table")
	}
	end := start + len(header)
	for end < len(readme) && readme[end] == '|' {
		end += strings.IndexByte(readme[end:], '\n') + 1
	}
	want := header + configTable()
	if readme[start:end] == want {
		return
	}
	if *updateREADME {
		if err := os.WriteFile("../README.md", []byte(readme[:start]+want+readme[end:]), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Fatalf("the README's configuration table differs from Variables; run go test -run TestREADMEConfigurationTable -update .\nwant:\n%s", want)
}

// configTable writes the rows of the table.
func configTable() string {
	var b strings.Builder
	for _, v := range Variables() {
		names := make([]string, len(v.Names))
		for i, n := range v.Names {
			names[i] = "`" + n + "`"
		}
		b.WriteString("|" + cell(strings.Join(names, ", ")) + "|" + cell(v.Default) + "|" + cell(v.Meaning) + "|\n")
	}
	return b.String()
}

func cell(s string) string {
	if s == "" {
		return " "
	}
	return " " + s + " "
}

// TestConfigVariableRowsAreWhole: every row names variables and says
// what they mean.
func TestConfigVariableRowsAreWhole(t *testing.T) {
	t.Parallel()
	for i, v := range Variables() {
		if len(v.Names) == 0 || v.Meaning == "" {
			t.Errorf("row %d: %+v", i, v)
		}
	}
}
