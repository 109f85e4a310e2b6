package envconfig

import (
	"errors"
	"fmt"
	"strings"

	"github.com/hookflow/hookflow"
	"github.com/hookflow/hookflow/storage"
)

// minPoolSize is the fewest PostgreSQL connections a server works with:
// the item writer and the run writer each hold one while they commit, and
// reads need at least one beside them. (An edit of a saved flow holds one
// more while it runs, storage.WithFlowEditLock; with three, its own
// statements wait for a writer's commit to end.)
const minPoolSize = 3

// databaseVars reads DB_CLIENT, DB_FILENAME, DB_CONNECTION_STRING,
// DB_POOL_SIZE, DB_STATEMENT_TIMEOUT and DB_QUERY_TIMEOUT.
func databaseVars(getenv func(string) string, c *hookflow.Config, fail func(string, error)) {
	switch client := strings.ToLower(getenv("DB_CLIENT")); client {
	case "", "sqlite", "sqlite3":
		c.DBClient = storage.DialectSQLite
	case "postgres", "postgresql", "pg":
		c.DBClient = storage.DialectPostgres
	default:
		fail("DB_CLIENT", fmt.Errorf("%q is not a database hookflow stores in (sqlite or postgres)", client))
	}
	c.DBFilename = getenv("DB_FILENAME")
	c.DBConnectionString = getenv("DB_CONNECTION_STRING")
	if c.DBClient == storage.DialectPostgres && c.DBConnectionString == "" {
		fail("DB_CONNECTION_STRING", errors.New("DB_CLIENT=postgres needs the database's URL: postgres://user:password@host:5432/database?sslmode=require"))
	}
	intVar(getenv, "DB_POOL_SIZE", &c.DBPoolSize, fail)
	if c.DBPoolSize > 0 && c.DBPoolSize < minPoolSize {
		fail("DB_POOL_SIZE", fmt.Errorf("at least %d connections (the item and run writers hold one each), got %d", minPoolSize, c.DBPoolSize))
	}
	durationVar(getenv, "DB_STATEMENT_TIMEOUT", &c.DBStatementTimeout, fail)
	durationVar(getenv, "DB_QUERY_TIMEOUT", &c.QueryTimeout, fail)
}
