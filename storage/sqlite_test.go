package storage

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// TestFilenamesWithURICharacters opens databases whose paths hold '#' and
// '?', which end a file URI's path unless escaped.
func TestFilenamesWithURICharacters(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ctx := context.Background()
	for _, name := range []string{"a#1/db", "a?x=1/db", "a%41/db"} {
		path := filepath.Join(dir, name)
		s, err := Open(ctx, Config{Filename: path})
		if err != nil {
			t.Fatalf("open %s: %v", name, err)
		}
		if _, err := s.CreateItems(ctx, "c", []map[string]any{{}}, WriteOptions{}); err != nil {
			t.Fatal(err)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(path); err != nil {
			t.Errorf("%s: the database is not where it was asked to be: %v", name, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "a")); err == nil {
		t.Error("a truncated path was created")
	}
}
