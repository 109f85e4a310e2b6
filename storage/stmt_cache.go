package storage

import (
	"context"
	"database/sql"
	"sync"
)

// stmtCache keeps prepared statements of the write connection by their
// text, for hot statements whose text repeats: parsing a multi-row
// statement costs about as much as running it. Statements are prepared
// before a transaction begins (prepare), since the single write
// connection is taken while one is open, and used inside it (in).
type stmtCache struct {
	db *sql.DB
	// rebind numbers placeholders for the database (nil: as written).
	rebind func(string) string
	mu     sync.Mutex
	stmts  map[string]*sql.Stmt
}

func newStmtCache(db *sql.DB, rebind func(string) string) *stmtCache {
	if rebind == nil {
		rebind = func(q string) string { return q }
	}
	return &stmtCache{db: db, rebind: rebind, stmts: map[string]*sql.Stmt{}}
}

// prepare makes sure the queries are prepared; call it outside any
// transaction of the write connection. The lock is never held while
// waiting for the connection: a transaction holding it may need the
// cache (in) before it lets the connection go.
func (c *stmtCache) prepare(ctx context.Context, queries ...string) error {
	for _, q := range queries {
		c.mu.Lock()
		_, ok := c.stmts[q]
		c.mu.Unlock()
		if ok {
			continue
		}
		stmt, err := c.db.PrepareContext(ctx, c.rebind(q))
		if err != nil {
			return err
		}
		c.mu.Lock()
		if _, raced := c.stmts[q]; raced {
			_ = stmt.Close()
		} else {
			c.stmts[q] = stmt
		}
		c.mu.Unlock()
	}
	return nil
}

// in returns the statement for query, prepared earlier, bound to tx; a
// query not prepared is prepared inside tx for this use only.
func (c *stmtCache) in(ctx context.Context, tx *sql.Tx, query string) (*sql.Stmt, error) {
	c.mu.Lock()
	stmt, ok := c.stmts[query]
	c.mu.Unlock()
	if !ok {
		return tx.PrepareContext(ctx, c.rebind(query))
	}
	return tx.StmtContext(ctx, stmt), nil
}

// close releases the statements.
func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, stmt := range c.stmts {
		_ = stmt.Close()
	}
	clear(c.stmts)
}
