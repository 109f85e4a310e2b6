package storage

import (
	"context"
	"database/sql"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"
)

// TestStmtCachePrepareWhileATransactionUsesIt prepares a statement while
// another transaction holds the single connection and then asks the cache
// for a statement: the preparing goroutine must not keep the cache locked
// while it waits for the connection, or both wait for ever.
func TestStmtCachePrepareWhileATransactionUsesIt(t *testing.T) {
	t.Parallel()
	db, err := sql.Open("sqlite3", "file::memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	ctx := context.Background()
	cache := newStmtCache(db, nil)
	defer cache.close()

	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	prepared := make(chan error, 1)
	go func() { prepared <- cache.prepare(ctx, "SELECT 1") }()
	// Wait until the other goroutine is queued for the connection.
	for db.Stats().WaitCount == 0 {
		time.Sleep(time.Millisecond)
	}

	used := make(chan error, 1)
	go func() {
		stmt, err := cache.in(ctx, tx, "SELECT 2")
		if err == nil {
			var n int
			err = stmt.QueryRowContext(ctx).Scan(&n)
		}
		used <- err
	}()
	select {
	case err := <-used:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		_ = tx.Rollback() // lets the other goroutine go, so the test ends
		t.Fatal("the transaction waited for the cache while the cache waited for the connection")
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := <-prepared; err != nil {
		t.Fatal(err)
	}
	cache.mu.Lock()
	_, kept := cache.stmts["SELECT 1"]
	cache.mu.Unlock()
	if !kept {
		t.Fatal("the statement prepared while the connection was busy was not kept")
	}
}
