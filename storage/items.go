package storage

import (
	"context"
	"fmt"
)

// Items of every collection live in one table, rather than a table per
// collection:
//
//   - collections are created by the first write of a webhook, at any time;
//     with one table that is an INSERT into collections inside the write's
//     own transaction, never DDL racing the group-committing writer;
//   - collection names never appear in SQL text (they are bound values),
//     so no name can inject SQL and no identifier quoting is needed;
//   - one set of statements serves every collection, and an expression
//     index declared for a field (collection, json_extract(data, …)) serves
//     every collection that declares the same field.
//
// seq is the rowid: insertion order, the default order and the tie-breaker
// of every sort. key is the id's text (item_keys.go), unique per
// collection. data is the item as JSON text, `id` included.
const itemsDDL = `CREATE TABLE IF NOT EXISTS items (
	seq INTEGER PRIMARY KEY,
	collection TEXT NOT NULL,
	key TEXT NOT NULL,
	data TEXT NOT NULL
)`

// itemsIndexes serve lookups by id and scans of one collection in
// insertion order (an index on collection alone is ordered by rowid).
var itemsIndexes = []string{
	`CREATE UNIQUE INDEX IF NOT EXISTS items_collection_key ON items(collection, key)`,
	`CREATE INDEX IF NOT EXISTS items_collection ON items(collection)`,
}

// migrateItems creates the items table. It is written as DDL rather than a
// gorm model because gorm's tags cannot say "rowid alias" or declare the
// expression indexes collections add later.
func (s *Store) migrateItems(ctx context.Context) error {
	db := s.write.WithContext(ctx)
	for _, ddl := range append([]string{itemsDDL}, itemsIndexes...) {
		if err := db.Exec(ddl).Error; err != nil {
			return fmt.Errorf("migrate items: %w", err)
		}
	}
	return nil
}
