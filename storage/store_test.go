package storage

import (
	"context"
	"testing"
)

// openTestStore opens a store on a file in the test's temporary directory.
func openTestStore(t testing.TB, cfg ...func(*Config)) *Store {
	t.Helper()
	c := Config{Filename: t.TempDir() + "/test.db"}
	for _, f := range cfg {
		f(&c)
	}
	s, err := Open(context.Background(), c)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("close store: %v", err)
		}
	})
	return s
}
