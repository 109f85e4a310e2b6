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

// PoolSize is the connections a test's store keeps: tests run side by
// side, and the server's connection limit is shared by all of them.
const PoolSize = 4

// Postgres reports whether tests run against PostgreSQL.
func Postgres() bool { return os.Getenv(EnvVar) != "" }

// RequirePostgres skips the test unless tests run against PostgreSQL; why
// says what the test needs it for.
func RequirePostgres(t testing.TB, why string) {
	t.Helper()
	if !Postgres() {
		t.Skipf("%s: set %s=postgres://…", why, EnvVar)
	}
}

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
	schema := "hft_" + randomName(t)
	if err := exec(base, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("create schema on %s: %v", EnvVar, err)
	}
	t.Cleanup(func() {
		if err := exec(base, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Logf("drop schema %s: %v", schema, err)
		}
	})
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// NewDatabase creates a database of its own in the PostgreSQL server of
// HOOKFLOW_TEST_DB, with the given CREATE DATABASE options (an encoding, a
// collation), and returns its connection string. It is dropped when the
// test ends.
func NewDatabase(t testing.TB, options string) string {
	t.Helper()
	base := os.Getenv(EnvVar)
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("%s: %v", EnvVar, err)
	}
	name := "hft_" + randomName(t)
	if err := exec(base, "CREATE DATABASE "+name+" TEMPLATE template0 "+options); err != nil {
		t.Fatalf("create database on %s: %v", EnvVar, err)
	}
	t.Cleanup(func() {
		if err := exec(base, "DROP DATABASE "+name+" WITH (FORCE)"); err != nil {
			t.Logf("drop database %s: %v", name, err)
		}
	})
	u.Path = "/" + name
	return u.String()
}

// randomName is 12 random hex digits.
func randomName(t testing.TB) string {
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b[:])
}

// exec runs one statement on a connection of its own.
func exec(dsn, stmt string) error {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err = db.ExecContext(ctx, stmt)
	return err
}
