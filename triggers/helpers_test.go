package triggers

import (
	"context"
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/hookflow/hookflow/internal/testdb"
	"github.com/hookflow/hookflow/storage"
)

// testStoreConfig is a store of the test's own: a SQLite file in its
// temporary directory, or a PostgreSQL schema under HOOKFLOW_TEST_DB.
func testStoreConfig(t testing.TB, logger *slog.Logger) storage.Config {
	t.Helper()
	if testdb.Postgres() {
		return storage.Config{
			Dialect:          storage.DialectPostgres,
			ConnectionString: testdb.NewSchema(t),
			PoolSize:         testdb.PoolSize,
			Logger:           logger,
		}
	}
	return storage.Config{Filename: filepath.Join(t.TempDir(), "hookflow.db"), Logger: logger}
}

// openTestStore opens the store cfg describes and closes it when the test
// ends.
func openTestStore(t testing.TB, cfg storage.Config) *storage.Store {
	t.Helper()
	store, err := storage.Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = store.Close() })
	return store
}
