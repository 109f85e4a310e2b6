package hookflowtest

import (
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/hookflow/hookflow"
	"github.com/hookflow/hookflow/internal/testdb"
	"github.com/hookflow/hookflow/storage"

	// The drivers of SQL: pgx; SQLite's comes with storage.
	_ "github.com/jackc/pgx/v5/stdlib"
)

// Database is the database of one test, for the servers and stores it
// opens one after another (a restart, a crash, a look at what a server
// left behind): a SQLite file in the test's temporary directory, or, when
// the environment variable HOOKFLOW_TEST_DB holds a PostgreSQL connection
// string (postgres://…), a fresh schema in that database, dropped when the
// test ends. New gives every server a Database of its own.
type Database struct {
	Client           storage.Dialect
	Filename         string
	ConnectionString string
}

// NewDatabase makes the test's database. Filename is set for PostgreSQL
// too: what a server keeps beside its database (the key of the credentials
// at rest) stays in the test's temporary directory.
func NewDatabase(t testing.TB) Database {
	t.Helper()
	filename := filepath.Join(t.TempDir(), "data", "hookflow.db")
	if testdb.Postgres() {
		return Database{Client: storage.DialectPostgres, Filename: filename, ConnectionString: testdb.NewSchema(t)}
	}
	return Database{Client: storage.DialectSQLite, Filename: filename}
}

// SecretKey is the SECRET_KEY of test servers on PostgreSQL, which
// requires one (every server of a database uses the same).
const SecretKey = "hookflowtest-secret-key-0123456789abcdef"

// Use points a server's configuration at the database (an option of New).
// On PostgreSQL it sets SecretKey unless the test chose a key.
func (d Database) Use(c *hookflow.Config) {
	c.DBClient, c.DBFilename, c.DBConnectionString = d.Client, d.Filename, d.ConnectionString
	if d.Client == storage.DialectPostgres {
		c.DBPoolSize = testdb.PoolSize
		if c.SecretKey == "" {
			c.SecretKey = SecretKey
		}
	}
}

// StoreConfig is a storage configuration for the database.
func (d Database) StoreConfig() storage.Config {
	cfg := storage.Config{Dialect: d.Client, Filename: d.Filename, ConnectionString: d.ConnectionString}
	if d.Client == storage.DialectPostgres {
		cfg.PoolSize = testdb.PoolSize
	}
	return cfg
}

// Env is the database as the environment variables of a server process.
func (d Database) Env() []string {
	if d.Client == storage.DialectPostgres {
		return []string{
			"DB_CLIENT=postgres",
			"DB_CONNECTION_STRING=" + d.ConnectionString,
			"DB_FILENAME=" + d.Filename,
			"SECRET_KEY=" + SecretKey,
		}
	}
	return []string{"DB_CLIENT=sqlite", "DB_FILENAME=" + d.Filename}
}

// SQL opens the database with database/sql, to look at what a server
// stored (or to change it as another program would); placeholders are
// written $1, $2, which SQLite reads too. It is closed when the test ends.
func (d Database) SQL(t testing.TB) *sql.DB {
	t.Helper()
	driver, dsn := "sqlite3", "file:"+d.Filename+"?_busy_timeout=5000"
	if d.Client == storage.DialectPostgres {
		driver, dsn = "pgx", d.ConnectionString
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}
