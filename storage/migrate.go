package storage

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"hash/crc64"
	"io/fs"
	"log/slog"
	"path"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

// migrations holds the schema of each database as numbered migrations, one
// folder per dialect (migrations/sqlite, migrations/postgres), beside which
// a few are Go (migrate_sqlite.go). A schema change is a new migration for
// each database; one once released never changes.
//
//go:embed migrations
var migrations embed.FS

// migrationLockWait is how often a server waiting for another one's
// migrations tries the lock again, and migrationLockTries how many times.
const (
	migrationLockWait  = 1 // second, goose's smallest period
	migrationLockTries = 600
)

// migrate brings the database to the newest schema. Each migration runs
// once per database, in its own transaction, recorded in goose_db_version.
// On PostgreSQL the run holds a session advisory lock, so servers starting
// together on one database migrate one after the other: the second finds
// the work done. A SQLite database created before migrations existed has
// the tables of version 1 already; version 1 creates only what is missing,
// so it is upgraded in place.
func migrate(ctx context.Context, db *sql.DB, d Dialect, logger *slog.Logger) error {
	fsys, err := fs.Sub(migrations, path.Join("migrations", string(d)))
	if err != nil {
		return fmt.Errorf("migrate database: %w", err)
	}
	opts := []goose.ProviderOption{goose.WithDisableGlobalRegistry(true)}
	gooseDialect := goose.DialectSQLite3
	if d == DialectSQLite {
		opts = append(opts, goose.WithGoMigrations(sqliteGoMigrations()...))
	}
	if d == DialectPostgres {
		gooseDialect = goose.DialectPostgres
		id, err := migrationLockID(ctx, db)
		if err != nil {
			return fmt.Errorf("migrate database: %w", err)
		}
		locker, err := lock.NewPostgresSessionLocker(lock.WithLockID(id),
			lock.WithLockTimeout(migrationLockWait, migrationLockTries))
		if err != nil {
			return fmt.Errorf("migrate database: %w", err)
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	provider, err := goose.NewProvider(gooseDialect, db, fsys, opts...)
	if err != nil {
		return fmt.Errorf("migrate database: %w", err)
	}
	results, err := provider.Up(ctx)
	if err != nil {
		return fmt.Errorf("migrate database: %w", err)
	}
	for _, r := range results {
		logger.Info("database migrated", "version", r.Source.Version, "file", path.Base(r.Source.Path),
			"took", r.Duration)
	}
	return nil
}

// migrationLockID is the advisory lock migrations hold on PostgreSQL: one
// per database and schema, so that stores in different schemas of one
// database (tests do that) do not wait for each other.
func migrationLockID(ctx context.Context, db *sql.DB) (int64, error) {
	var where string
	if err := db.QueryRowContext(ctx, "SELECT current_database() || '.' || coalesce(current_schema(), '')").Scan(&where); err != nil {
		return 0, err
	}
	return int64(crc64.Checksum([]byte("hookflow migrations "+where), crc64.MakeTable(crc64.ECMA)) >> 1), nil
}
