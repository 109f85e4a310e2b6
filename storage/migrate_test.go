package storage

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hookflow/hookflow/internal/testdb"
	"github.com/hookflow/hookflow/query"
)

// schemaVersion reads the newest migration recorded in the database.
func schemaVersion(t *testing.T, s *Store) (version int64, rows int64) {
	t.Helper()
	err := s.write.Raw("SELECT MAX(version_id), COUNT(*) FROM goose_db_version WHERE is_applied AND version_id > 0").Row().Scan(&version, &rows)
	if err != nil {
		t.Fatal(err)
	}
	return version, rows
}

// newestMigration is the number of the last migration of d, a file's or
// one written in Go.
func newestMigration(t *testing.T, d Dialect) int64 {
	t.Helper()
	entries, err := migrations.ReadDir("migrations/" + string(d))
	if err != nil || len(entries) == 0 {
		t.Fatalf("migrations of %s: %v", d, err)
	}
	var n int64
	if d == DialectSQLite {
		for _, m := range sqliteGoMigrations() {
			n = max(n, m.Version)
		}
	}
	for _, e := range entries {
		var v int64
		for _, c := range e.Name() {
			if c < '0' || c > '9' {
				break
			}
			v = v*10 + int64(c-'0')
		}
		n = max(n, v)
	}
	return n
}

// TestUpgradeFromAutoMigrateSchema opens SQLite databases written by the
// releases that created their tables with AutoMigrate (testdata): before
// the run queue's columns, and with them. Every row is still there and
// usable, the declared index still serves queries, a queued run can be
// claimed, and the database is recorded at the newest version, once.
func TestUpgradeFromAutoMigrateSchema(t *testing.T) {
	t.Parallel()
	for _, fixture := range []string{"sqlite-automigrate-release.sql", "sqlite-automigrate-run-queue.sql"} {
		t.Run(fixture, func(t *testing.T) {
			t.Parallel()
			upgradeFixture(t, fixture, fixture == "sqlite-automigrate-release.sql")
		})
	}
}

// upgradeFixture loads a dump into a new file and opens it twice.
func upgradeFixture(t *testing.T, fixture string, hasWebhooks bool) {
	file := filepath.Join(t.TempDir(), "old.db")
	dump, err := os.ReadFile("testdata/" + fixture)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite3", file)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(string(dump)); err != nil {
		t.Fatalf("load the old database: %v", err)
	}
	if err := raw.Close(); err != nil {
		t.Fatal(err)
	}

	ctx := context.Background()
	for open := 1; open <= 2; open++ {
		s, err := Open(ctx, Config{Filename: file})
		if err != nil {
			t.Fatalf("open #%d: %v", open, err)
		}
		version, rows := schemaVersion(t, s)
		if want := newestMigration(t, DialectSQLite); version != want || rows != want {
			t.Errorf("open #%d: version %d in %d rows, want %d in %d", open, version, rows, want, want)
		}
		f, err := s.GetFlow(ctx, "11111111-1111-4111-8111-111111111111")
		if err != nil || f.Name != "orders" || len(f.Operations) != 1 || f.Options["method"] != "POST" {
			t.Errorf("flow: %+v, %v", f, err)
		}
		if r, err := s.GetRun(ctx, "run-1"); err != nil || r.Status != RunCompleted {
			t.Errorf("run: %+v, %v", r, err)
		}
		if open == 1 {
			claimed, err := s.ClaimRuns(ctx, "upgrade", 5, time.Now(), time.Minute)
			if err != nil || len(claimed) != 1 || claimed[0].ID != "run-2" || len(claimed[0].Input) == 0 || claimed[0].Attempt != 1 {
				t.Errorf("the queued run: %+v, %v", claimed, err)
			}
		}
		if v, err := s.GetSetting(ctx, "admin_token_hash"); err != nil || v != "abc" {
			t.Errorf("setting: %q, %v", v, err)
		}
		if u, err := s.UserByTokenHash(ctx, "tokhash"); err != nil || u.ID != "u1" || *u.Role != "editors" {
			t.Errorf("user: %+v, %v", u, err)
		}
		if ps, err := s.ListPermissions(ctx, "editors"); err != nil || len(ps) != 1 || ps[0].Collection != "orders" {
			t.Errorf("permissions: %+v, %v", ps, err)
		}
		if hasWebhooks {
			checkUpgradedWebhooks(t, s)
		}
		p := params(t, `{"filter": {"status": {"_eq": "paid"}}, "sort": "-created"}`)
		page, err := s.ReadItems(ctx, "orders", ItemQuery{Params: p})
		if err != nil || len(page.Data) != 2 {
			t.Errorf("items: %v, %v", page, err)
		}
		if plan := explainRead(t, s, "orders", p); !strings.Contains(plan, "USING INDEX items_ix_f17806d4626098c0") {
			t.Errorf("the declared index no longer serves its query:\n%s", plan)
		}
		// The id counter carries on where the old database left it.
		created, err := s.CreateItems(ctx, "orders", []map[string]any{{"status": "new"}}, WriteOptions{})
		if err != nil || jsonOf(created[0]["id"]) != fmt.Sprint(2+open) {
			t.Errorf("open #%d: created %v, %v", open, created, err)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

// checkUpgradedWebhooks reads the old release's webhook, delivery and
// attempt.
func checkUpgradedWebhooks(t *testing.T, s *Store) {
	t.Helper()
	ctx := context.Background()
	subs, err := s.ListSubscriptions(ctx)
	if err != nil || len(subs) != 1 || subs[0].Secret != "whsec_x" || subs[0].Collections[0] != "orders" {
		t.Errorf("webhooks: %+v, %v", subs, err)
	}
	claimed, err := s.ClaimDue(ctx, DeliveryClaim{
		WebhookID:  1,
		Now:        1 << 62,
		Limit:      10,
		Cap:        8,
		LeaseUntil: 1<<62 + 1,
	})
	if err != nil {
		t.Fatal(err)
	}
	if due := claimed.Due; len(due) != 1 || due[0].Attempts != 1 || string(due[0].Message) != `{"a":1}` {
		t.Errorf("pending delivery: %+v", due)
	}
	if as, err := s.ListAttempts(ctx, 1); err != nil || len(as) != 1 || as[0].ResponseStatus != 500 || as[0].RequestHeaders["a"] != "b" {
		t.Errorf("attempts: %+v, %v", as, err)
	}
}

// TestMigrationsRunOnce: a store opened again on a migrated database
// applies nothing, on either database.
func TestMigrationsRunOnce(t *testing.T) {
	t.Parallel()
	cfg := testConfig(t)
	ctx := context.Background()
	for open := 1; open <= 2; open++ {
		s, err := Open(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		version, rows := schemaVersion(t, s)
		if want := newestMigration(t, s.Dialect()); version != want || rows != want {
			t.Errorf("open #%d: version %d in %d rows, want %d once each", open, version, rows, want)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

// TestServersStartingTogetherMigrateOnce opens several stores on one new
// PostgreSQL database at the same moment: the migration lock lets one
// migrate while the others wait, so none fails on tables or functions
// another is creating, each migration is recorded once, and all of them
// then work on the same data.
func TestServersStartingTogetherMigrateOnce(t *testing.T) {
	t.Parallel()
	testdb.RequirePostgres(t, "two servers share a PostgreSQL database (SQLite's single writer serializes them anyway)")
	cfg := testConfig(t)
	ctx := context.Background()
	const servers = 4
	stores := make([]*Store, servers)
	errs := make([]error, servers)
	var start, done sync.WaitGroup
	start.Add(1)
	for i := range stores {
		done.Add(1)
		go func() {
			defer done.Done()
			start.Wait()
			stores[i], errs[i] = Open(ctx, cfg)
		}()
	}
	start.Done()
	done.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("store %d: %v", i, err)
		}
		defer stores[i].Close()
	}
	version, rows := schemaVersion(t, stores[0])
	if want := newestMigration(t, DialectPostgres); version != want || rows != want {
		t.Errorf("version %d in %d rows, want %d once each", version, rows, want)
	}
	if _, err := stores[1].CreateItems(ctx, "shared", []map[string]any{{"n": 1.0}}, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	page, err := stores[3].ReadItems(ctx, "shared", ItemQuery{Params: &query.Params{Limit: -1, HasLimit: true}})
	if err != nil || len(page.Data) != 1 {
		t.Errorf("another server reads %v, %v", page, err)
	}
}
