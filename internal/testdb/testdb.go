// Package testdb gives each test a database of its own. By default that is
// a SQLite file in the test's temporary directory; when HOOKFLOW_TEST_DB
// holds a PostgreSQL connection string (postgres://…), it is a fresh schema
// in that database, dropped when the test ends, so that the whole test
// suite runs against PostgreSQL.
package testdb

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	// The pgx driver, for sql.Open("pgx", …).
	_ "github.com/jackc/pgx/v5/stdlib"
)

// EnvVar names the environment variable that selects PostgreSQL.
const EnvVar = "HOOKFLOW_TEST_DB"

// Postgres reports whether tests run against PostgreSQL.
func Postgres() bool { return os.Getenv(EnvVar) != "" }

// SkipOnPostgres skips a test about SQLite itself (files, locks, WAL, page
// size) when the suite runs against PostgreSQL, saying why.
func SkipOnPostgres(t testing.TB, why string) {
	t.Helper()
	if Postgres() {
		t.Skipf("SQLite only under %s: %s", EnvVar, why)
	}
}

// NewSchema creates an empty schema in the PostgreSQL database of
// HOOKFLOW_TEST_DB and returns a connection string whose search_path is
// that schema. The schema and everything in it is dropped when the test
// ends (after the test's own cleanups, which close its stores).
func NewSchema(t testing.TB) string {
	t.Helper()
	base := os.Getenv(EnvVar)
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("%s: %v", EnvVar, err)
	}
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	schema := "hft_" + hex.EncodeToString(b[:])
	admin := func(stmt string) error {
		db, err := sql.Open("pgx", base)
		if err != nil {
			return err
		}
		defer db.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_, err = db.ExecContext(ctx, stmt)
		return err
	}
	if err := admin("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("create schema on %s: %v", EnvVar, err)
	}
	t.Cleanup(func() {
		if err := admin("DROP SCHEMA " + schema + " CASCADE"); err != nil {
			t.Logf("drop schema %s: %v", schema, err)
		}
	})
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
