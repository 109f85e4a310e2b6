// Package flowexamples reads the example flows of flows/testdata, which the
// tests of several packages check: the flow language decodes them, the
// published flow schema accepts them, the command line applies them.
package flowexamples

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Example is one example flow: its file name without ".json" and the
// file's bytes.
type Example struct {
	Name string
	Raw  []byte
}

// Read returns the example flows in dir (the path of flows/testdata from
// the calling package), leaving out the golden files that hold their
// expected answers. It fails the test when dir holds fewer than ten, so a
// wrong path cannot pass as a check of nothing.
func Read(t testing.TB, dir string) []Example {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	var out []Example
	for _, file := range files {
		if strings.HasSuffix(file, ".golden.json") {
			continue
		}
		raw, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, Example{Name: strings.TrimSuffix(filepath.Base(file), ".json"), Raw: raw})
	}
	if len(out) < 10 {
		t.Fatalf("only %d example flows in %s", len(out), dir)
	}
	return out
}
