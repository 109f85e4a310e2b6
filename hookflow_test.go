package hookflow

import (
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hookflow/hookflow/secrets"
	"github.com/hookflow/hookflow/storage"
)

// TestWebhookDeliveriesUseTheQueueLease: deliveries are leased for
// QUEUE_LEASE, as queued runs are, unless the webhooks' own lease is set.
func TestWebhookDeliveriesUseTheQueueLease(t *testing.T) {
	t.Parallel()
	c := Config{QueueLease: 5 * time.Second}.WithDefaults()
	if w := c.webhookConfig(nil, nil); w.Lease != 5*time.Second {
		t.Fatalf("webhook lease %s", w.Lease)
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

// TestServerWithAnOTLPEndpoint: a server exporting traces starts and
// closes while no collector answers (spans are sent in the background).
func TestServerWithAnOTLPEndpoint(t *testing.T) {
	t.Parallel()
	srv, err := New(context.Background(), Config{DBFilename: t.TempDir() + "/h.db", AdminToken: "t", OTLPEndpoint: "http://127.0.0.1:1"})
	if err != nil {
		t.Fatal(err)
	}
	if srv.obs.tracer == nil || srv.obs.stopTraces == nil {
		t.Fatal("no tracer with OTEL_EXPORTER_OTLP_ENDPOINT set")
	}
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestLoggedConnectionStringHidesPasswords: the connection string New logs
// keeps the host, port and database and drops the password and parameters.
func TestLoggedConnectionStringHidesPasswords(t *testing.T) {
	t.Parallel()
	got := redactedURL("postgres://hf:secret@db.internal:5432/hookflow?sslmode=require&password=also")
	if strings.Contains(got, "secret") || strings.Contains(got, "also") || !strings.Contains(got, "db.internal:5432/hookflow") {
		t.Errorf("logged connection string %q", got)
	}
}
