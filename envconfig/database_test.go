package envconfig

import (
	"strings"
	"testing"
	"time"

	"github.com/hookflow/hookflow"
	"github.com/hookflow/hookflow/storage"
)

func TestDatabaseFromEnv(t *testing.T) {
	t.Parallel()
	env := map[string]string{
		"DB_CLIENT": "postgres", "DB_CONNECTION_STRING": "postgres://hf:secret@db.internal:5432/hookflow?sslmode=require&password=also",
		"DB_POOL_SIZE": "20", "DB_STATEMENT_TIMEOUT": "90s",
	}
	c, err := Read(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if c.DBClient != storage.DialectPostgres || c.DBConnectionString != env["DB_CONNECTION_STRING"] || c.DBPoolSize != 20 ||
		c.DBStatementTimeout != 90*time.Second {
		t.Fatalf("%+v", c)
	}
	if d := (hookflow.Config{}).WithDefaults(); d.DBClient != storage.DialectSQLite {
		t.Errorf("default database %q", d.DBClient)
	}
	for _, client := range []string{"", "sqlite", "SQLite3"} {
		c, err := Read(func(k string) string { return map[string]string{"DB_CLIENT": client}[k] })
		if err != nil || c.DBClient != storage.DialectSQLite {
			t.Errorf("DB_CLIENT=%q: %q, %v", client, c.DBClient, err)
		}
	}
}

func TestDatabaseConfigErrors(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		env  map[string]string
		name string
	}{
		{map[string]string{"DB_CLIENT": "postgres"}, "DB_CONNECTION_STRING"},
		{map[string]string{"DB_CLIENT": "postgres", "DB_CONNECTION_STRING": "postgres://h/db", "DB_POOL_SIZE": "2"}, "DB_POOL_SIZE"},
		{map[string]string{"DB_POOL_SIZE": "many"}, "DB_POOL_SIZE"},
		{map[string]string{"DB_STATEMENT_TIMEOUT": "soon"}, "DB_STATEMENT_TIMEOUT"},
		{map[string]string{"DB_CLIENT": "mysql"}, "DB_CLIENT"},
	} {
		_, err := Read(func(k string) string { return tt.env[k] })
		if err == nil || !strings.Contains(err.Error(), tt.name) {
			t.Errorf("%v: %v, want an error naming %s", tt.env, err, tt.name)
		}
	}
}
