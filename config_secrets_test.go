package hookflow

import (
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hookflow/hookflow/secrets"
	"github.com/hookflow/hookflow/storage"
)

func TestSecretKeyVariables(t *testing.T) {
	t.Parallel()
	long, older := strings.Repeat("k", 32), strings.Repeat("o", 40)
	c, err := ConfigFromEnv(envFunc(map[string]string{"SECRET_KEY": long, "SECRET_KEY_PREVIOUS": " " + older + " ,, " + long}))
	if err != nil || c.SecretKey != long || len(c.SecretKeyPrevious) != 2 || c.SecretKeyPrevious[0] != older {
		t.Fatalf("%q %q %v", c.SecretKey, c.SecretKeyPrevious, err)
	}
	for name, env := range map[string]map[string]string{
		"SECRET_KEY":          {"SECRET_KEY": strings.Repeat("k", 31)},
		"SECRET_KEY_PREVIOUS": {"SECRET_KEY": long, "SECRET_KEY_PREVIOUS": older + ",short"},
	} {
		_, err := ConfigFromEnv(envFunc(env))
		if err == nil || !strings.Contains(err.Error(), name+": ") || !strings.Contains(err.Error(), "at least 32 characters") {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestKeySourceFollowsTheDatabase(t *testing.T) {
	t.Parallel()
	src := Config{DBFilename: "/var/lib/hookflow/app.db", SecretKey: "k"}.keySource()
	if src.KeyFile != filepath.Join("/var/lib/hookflow", secrets.KeyFileName) || src.SecretKey != "k" || src.RequireSecretKey {
		t.Fatalf("%+v", src)
	}
	if src := (Config{DBFilename: ":memory:"}).keySource(); src.KeyFile != "" {
		t.Fatalf("in memory: %+v", src)
	}
}

// TestPostgresRequiresSecretKey: servers sharing a PostgreSQL database
// must share their key, so one started without SECRET_KEY is refused
// before it touches the database, saying what to set.
func TestPostgresRequiresSecretKey(t *testing.T) {
	t.Parallel()
	cfg := Config{
		DBClient:           storage.DialectPostgres,
		DBConnectionString: "postgres://nobody@127.0.0.1:1/none?sslmode=disable&connect_timeout=1",
		DBFilename:         filepath.Join(t.TempDir(), "hookflow.db"),
		Logger:             slog.New(slog.DiscardHandler),
	}
	_, err := New(context.Background(), cfg)
	if err == nil || !strings.Contains(err.Error(), "DB_CLIENT=postgres: SECRET_KEY is required") {
		t.Fatalf("started without SECRET_KEY on PostgreSQL: %v", err)
	}
	if src := cfg.keySource(); !src.RequireSecretKey {
		t.Fatalf("key source on PostgreSQL: %+v", src)
	}
}
