package storage

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/pressly/goose/v3"
)

// sqliteGoMigrations are SQLite's migrations written in Go: those whose
// statements depend on what the database holds already. A database created
// by a release that migrated with AutoMigrate may have any of the columns
// a migration adds (SQLite has no ADD COLUMN IF NOT EXISTS).
func sqliteGoMigrations() []*goose.Migration {
	return []*goose.Migration{
		goose.NewGoMigration(2, &goose.GoFunc{RunTx: sqliteRunQueue2}, nil),
	}
}

// sqliteRunQueue2 gives runs the columns and indexes of the run queue's
// claim protocol (run_claim.go): the request body kept once, the attempts
// counted by claims, the lease. Both indexes are partial: finished runs,
// the bulk of the table, cost them nothing; queued runs are claimed oldest
// first straight from idx_runs_queued, and idx_runs_leases holds the few
// running runs, for expired leases and a dead process's runs.
func sqliteRunQueue2(ctx context.Context, tx *sql.Tx) error {
	err := addMissingColumns(ctx, tx, "runs", []columnDDL{
		{"request_body", "ALTER TABLE runs ADD COLUMN `request_body` blob"},
		{"attempts", "ALTER TABLE runs ADD COLUMN `attempts` integer NOT NULL DEFAULT 0"},
		{"lease_owner", "ALTER TABLE runs ADD COLUMN `lease_owner` text"},
		{"lease_until", "ALTER TABLE runs ADD COLUMN `lease_until` integer"},
	})
	if err != nil {
		return err
	}
	for _, stmt := range []string{
		`DROP INDEX IF EXISTS idx_runs_unfinished`,
		`CREATE INDEX IF NOT EXISTS idx_runs_queued ON runs(created_at, id) WHERE status = 'queued'`,
		`CREATE INDEX IF NOT EXISTS idx_runs_leases ON runs(lease_until) WHERE status = 'running'`,
	} {
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("%s: %w", stmt, err)
		}
	}
	return nil
}

// columnDDL is a column a migration adds and the statement adding it.
type columnDDL struct {
	name, add string
}

// addMissingColumns adds the columns table lacks.
func addMissingColumns(ctx context.Context, tx *sql.Tx, table string, columns []columnDDL) error {
	rows, err := tx.QueryContext(ctx, "SELECT name FROM pragma_table_info(?)", table)
	if err != nil {
		return err
	}
	have := map[string]bool{}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			rows.Close()
			return err
		}
		have[name] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, c := range columns {
		if have[c.name] {
			continue
		}
		if _, err := tx.ExecContext(ctx, c.add); err != nil {
			return fmt.Errorf("%s: %w", c.add, err)
		}
	}
	return nil
}
