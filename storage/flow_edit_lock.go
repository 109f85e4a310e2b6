package storage

import (
	"context"
	"database/sql/driver"
	"fmt"
)

// flowEditLock names the advisory lock that edits of saved flows hold on
// PostgreSQL, one per database schema.
const flowEditLock = "hashtext('hookflow flow edits:' || current_schema())"

// WithFlowEditLock runs fn while no other server of the database edits a
// saved flow. An edit reads a flow, changes it and writes it whole: two
// servers changing one flow at the same moment would otherwise each write
// the other's part as they had read it, undoing the other's change.
//
// On PostgreSQL the lock is a session advisory lock, held on a connection
// of its own for as long as fn runs (fn's own statements take other
// connections of the pool). SQLite's file belongs to one process, whose
// own lock (triggers.Catalog's) is enough: fn just runs.
func (s *Store) WithFlowEditLock(ctx context.Context, fn func() error) (err error) {
	if s.kind != DialectPostgres {
		return fn()
	}
	sqlDB, err := s.write.DB()
	if err != nil {
		return err
	}
	conn, err := sqlDB.Conn(ctx)
	if err != nil {
		return fmt.Errorf("lock flow edits: %w", translate(err))
	}
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock("+flowEditLock+")"); err != nil {
		_ = conn.Close()
		return fmt.Errorf("lock flow edits: %w", translate(err))
	}
	defer func() {
		_, unlockErr := conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock("+flowEditLock+")")
		if unlockErr != nil {
			// The lock stays with the session: the connection is dropped
			// rather than returned to the pool, which ends both.
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
			if err == nil {
				err = fmt.Errorf("unlock flow edits: %w", unlockErr)
			}
		}
		_ = conn.Close()
	}()
	return fn()
}
