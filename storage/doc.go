// Package storage persists hookflow's state through GORM: flows and their
// operations, runs, and settings (later items, subscriptions and
// deliveries). It hands out domain values and ErrNotFound, never *gorm.DB or
// gorm errors.
//
// SQLite is opened twice: a write handle with exactly one connection (SQLite
// allows one writer; a single connection turns lock contention into a Go
// queue) and a read handle with several connections that, under WAL, read
// beside the writer. Run records are written by a batching writer (runs.go,
// run_writer.go) so that a burst of webhook calls becomes a few transactions
// instead of one fsync each.
package storage
