// Package storage persists hookflow's state through GORM, on SQLite or
// PostgreSQL (Config.Dialect): flows and their operations, runs, settings,
// and collections of items. It hands out domain values and ErrNotFound,
// never *gorm.DB or gorm errors.
//
// store.go is common to both databases; sqlite.go and postgres.go open
// each one and hold what differs outside item queries (engine). SQLite is
// opened twice: a write handle with exactly one connection (SQLite allows
// one writer; a single connection turns lock contention into a Go queue)
// and a read handle with several connections that, under WAL, read beside
// the writer; its file is locked for the process that opened it
// (sqlite_lock.go). PostgreSQL is one pgx pool for both. The schema is
// numbered migrations per database (migrate.go, migrations/sqlite,
// migrations/postgres, migrate_sqlite.go), run once per database at open,
// under an advisory lock on PostgreSQL.
//
// Several servers may share a PostgreSQL database (docs/instances.md):
// what they keep in memory follows the others' changes through the
// cluster notifications (cluster.go, cluster_postgres.go; Watch), one of
// them is elected for the work that must happen once (leader.go), rate
// limits are counted in the database (rate_limits.go), webhook deliveries
// and their per-webhook slots are leased (webhook_claim.go,
// webhook_leases.go), and the item writer locks the collections a batch
// writes in one order. On SQLite these do nothing: one server owns the
// file.
//
// Run records are written by a batching writer (runs.go, run_writer.go) so
// that a burst of webhook calls becomes a few transactions instead of one
// fsync each; oversized records are capped there (run_cap.go), and old ones
// pruned in the background in small batches (run_retention.go). Queued runs
// are claimed by the queue's workers with a lease (run_claim.go; its SQL in
// run_claim_sqlite.go and run_claim_postgres.go). Users, roles and
// permissions are plain tables (users.go, roles.go, permissions.go); the
// access package holds their rules.
//
// # Items
//
// Items are JSON documents in named collections, all in one table
// (items.go explains why). Writes go through the item writer
// (item_writer.go), a group commit with one savepoint per write: each
// write is all or nothing, many writes share one commit, and committed
// writes are announced in commit order through Config.OnItemEvent.
// item_write.go and item_modify.go are the writes, item_read.go the reads,
// collections.go and item_indexes.go collections with their JSON Schema
// (item_schema.go) and declared expression indexes.
//
// Queries run in the database. filter_sql.go translates query filters to
// SQL with the semantics of the in-memory evaluator (the shared case tests
// hold the two together); item_sql.go adds search, sort and aggregates.
// Both speak through a dialect (dialect.go); dialect_sqlite.go spells
// SQLite, with the coercions SQLite lacks supplied as SQL functions over
// the query package's own code (sqlite_funcs.go); dialect_postgres.go
// spells PostgreSQL's jsonb, with SQL functions the migrations create
// (migrations/postgres/00002_query_functions.sql, 00003_case_folding.sql)
// and regular expressions rewritten for PostgreSQL (regex_postgres.go).
package storage
