package storage

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// maxCachedCollections bounds the writer's collection cache.
const maxCachedCollections = 1024

// collectionCache is the item writer's view of the collections it has
// touched: the rows as the current transaction sees them, with last_id
// possibly ahead of the table (dirty) until the batch writes it back. It
// saves every write a SELECT and an UPDATE of its collection; only the
// writer goroutine uses it. On SQLite, where this writer is the only one,
// it is kept from batch to batch; on PostgreSQL a batch reads each
// collection it writes with SELECT … FOR UPDATE, which holds the row (and
// so the id counter) until the batch commits: another server's batch
// writing the same collection waits, then reads the counter as this one
// left it, so assigned ids stay unique and increase in commit order.
type collectionCache struct {
	rows  map[string]*collectionRow
	dirty map[string]bool
}

func newCollectionCache() *collectionCache {
	return &collectionCache{rows: map[string]*collectionRow{}, dirty: map[string]bool{}}
}

// writeTx is one write inside the writer's batch transaction: the
// transaction, and the collection cache with an undo record, so that a
// write rolled back to its savepoint leaves the cache as it found it.
type writeTx struct {
	tx *gorm.DB
	// ctx is the context of the write's caller; see reader.
	ctx   context.Context
	cache *collectionCache
	// lockRow ends the SELECT of a collection (engine.lockRow).
	lockRow string
	before  map[string]cacheEntry // entries as they were before this write
	// owed are deliveries the write stores besides those of its item
	// events (StoreEvent's), and owedRuns the runs it starts besides
	// theirs (those of StoreEvent's event and of collection changes).
	owed     []*Delivery
	owedRuns []*Run
}

// reader is the transaction for the write's reads (the items a write by
// query or by keys touches): they stop when the caller goes away, so that
// an abandoned slow query does not hold the writer every other write waits
// on. The statements that change the database never take the caller's
// context: SQLite rolls the whole transaction back (the other writes of
// the batch included) when it interrupts one of those, while an
// interrupted read ends alone.
func (w *writeTx) reader() *gorm.DB {
	if w.ctx == nil {
		return w.tx
	}
	return w.tx.WithContext(w.ctx)
}

// cacheEntry is a saved state of one collection in the cache.
type cacheEntry struct {
	row   *collectionRow // nil: absent
	dirty bool
}

// remember records an entry's state before this write first changes it.
func (w *writeTx) remember(name string) {
	if _, saved := w.before[name]; saved {
		return
	}
	var e cacheEntry
	if row, ok := w.cache.rows[name]; ok {
		c := *row
		e = cacheEntry{row: &c, dirty: w.cache.dirty[name]}
	}
	w.before[name] = e
}

// undo restores the cache after the write was rolled back.
func (w *writeTx) undo() {
	for name, e := range w.before {
		if e.row == nil {
			delete(w.cache.rows, name)
		} else {
			w.cache.rows[name] = e.row
		}
		if e.dirty {
			w.cache.dirty[name] = true
		} else {
			delete(w.cache.dirty, name)
		}
	}
}

// collection reads a collection, from the cache or the table; with create
// it is created (without a schema) when missing, as on a first write.
func (w *writeTx) collection(name string, create bool) (*collectionRow, error) {
	if row, ok := w.cache.rows[name]; ok {
		return row, nil
	}
	row, err := loadCollectionFor(w.tx, name, w.lockRow)
	if errors.Is(err, ErrNotFound) && create {
		// Another server may create it at the same moment: whichever
		// insert comes second does nothing and reads the first one's row.
		err = w.tx.Exec("INSERT INTO collections (name, indexes, last_id, created_at) VALUES (?, '[]', 0, ?) ON CONFLICT (name) DO NOTHING",
			name, time.Now().UTC()).Error
		if err != nil {
			return nil, fmt.Errorf("create collection %s: %w", name, translate(err))
		}
		row, err = loadCollectionFor(w.tx, name, w.lockRow)
	}
	if err != nil {
		return nil, err
	}
	w.remember(name)
	w.cache.rows[name] = row
	return row, nil
}

// setLastID advances a collection's id counter; the batch writes it back.
func (w *writeTx) setLastID(name string, id int64) {
	w.remember(name)
	c := *w.cache.rows[name]
	c.LastID = id
	w.cache.rows[name] = &c
	w.cache.dirty[name] = true
}

// forget writes a collection's counter back and drops it from the cache,
// before a write changes its row directly (schema, indexes, deletion).
func (w *writeTx) forget(name string) error {
	w.remember(name)
	if row, ok := w.cache.rows[name]; ok && w.cache.dirty[name] {
		if err := w.tx.Exec("UPDATE collections SET last_id = ? WHERE name = ?", row.LastID, name).Error; err != nil {
			return fmt.Errorf("advance ids of %s: %w", name, translate(err))
		}
	}
	delete(w.cache.dirty, name)
	delete(w.cache.rows, name)
	return nil
}

// flush writes dirty counters back, inside the batch transaction.
func (c *collectionCache) flush(tx *gorm.DB) error {
	for name := range c.dirty {
		row, ok := c.rows[name]
		if !ok {
			continue // dropped or deleted since
		}
		if err := tx.Exec("UPDATE collections SET last_id = ? WHERE name = ?", row.LastID, name).Error; err != nil {
			return fmt.Errorf("advance ids of %s: %w", name, translate(err))
		}
	}
	clear(c.dirty)
	return nil
}

// reset empties the cache (after a failed batch, or when it grew large).
func (c *collectionCache) reset() {
	clear(c.rows)
	clear(c.dirty)
}
