package storage

import (
	"context"
	"fmt"
)

// scrubFreeSpace removes what overwritten and deleted rows left in the
// database files. SQLite leaves a replaced value in the free space of its
// page, in free pages and, until a checkpoint, in the write-ahead log:
// VACUUM rewrites the database with no free space, and a TRUNCATE
// checkpoint writes the log back and empties it. It rewrites the whole
// file (and needs room for a copy), so it runs only after credentials
// were sealed again. An in-memory database has no file to scrub;
// PostgreSQL has its own way (scrubPostgres).
func (s *Store) scrubFreeSpace(ctx context.Context) error {
	if s.kind == DialectPostgres {
		return s.scrubPostgres(ctx)
	}
	if s.inMemory {
		return nil
	}
	if err := s.write.WithContext(ctx).Exec("VACUUM").Error; err != nil {
		return fmt.Errorf("scrub the database: %w", translate(err))
	}
	var busy, logFrames, checkpointed int
	err := s.write.WithContext(ctx).Raw("PRAGMA wal_checkpoint(TRUNCATE)").Row().Scan(&busy, &logFrames, &checkpointed)
	if err != nil {
		return fmt.Errorf("scrub the write-ahead log: %w", translate(err))
	}
	if busy != 0 {
		// A reader held the log: it is emptied at a later checkpoint.
		s.logger.Warn("the write-ahead log could not be emptied now; replaced values stay in it until a later checkpoint")
	}
	return nil
}
