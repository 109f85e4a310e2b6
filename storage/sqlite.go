package storage

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/mattn/go-sqlite3"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
)

// openSQLite opens a SQLite database: a write handle with exactly one
// connection (SQLite allows one writer; a single connection turns lock
// contention into a Go queue, and its prepared statements are cached) and a
// read handle with several connections that read beside it under WAL.
func openSQLite(ctx context.Context, cfg Config, gcfg *gorm.Config) (*Store, error) {
	if cfg.ReadConnections <= 0 {
		cfg.ReadConnections = 4
	}
	writeDSN, readDSN, err := sqliteDSNs(cfg.Filename)
	if err != nil {
		return nil, err
	}
	lock, err := lockDatabaseFile(cfg.Filename)
	if err != nil {
		return nil, err
	}
	fail := func(err error) (*Store, error) {
		lock.release()
		return nil, err
	}
	registerSQLiteDriver()
	if err := createDatabaseFile(cfg.Filename, gcfg); err != nil {
		return fail(err)
	}
	write, err := gorm.Open(sqliteDialector(writeDSN), gcfg)
	if err != nil {
		return fail(fmt.Errorf("open database: %w", err))
	}
	wdb, _ := write.DB()
	wdb.SetMaxOpenConns(1)
	wdb.SetMaxIdleConns(1)
	wdb.SetConnMaxLifetime(0)
	if err := migrate(ctx, wdb, DialectSQLite, cfg.Logger); err != nil {
		_ = wdb.Close()
		return fail(err)
	}
	s := &Store{
		write:    write,
		read:     write,
		kind:     DialectSQLite,
		dialect:  sqliteDialect{},
		engine:   sqliteEngine(),
		runQueue: sqliteRunQueue,
		lock:     lock,
		stmts:    newStmtCache(wdb, nil),
		inMemory: cfg.Filename == "" || cfg.Filename == MemoryFilename,
	}
	if readDSN != writeDSN {
		// (A shared-cache memory database reports table locks instead of
		// waiting for them, so it is read through the single write
		// connection.)
		read, err := gorm.Open(sqliteDialector(readDSN), gcfg)
		if err != nil {
			_ = wdb.Close()
			return fail(fmt.Errorf("open database for reading: %w", err))
		}
		rdb, _ := read.DB()
		rdb.SetMaxOpenConns(cfg.ReadConnections)
		rdb.SetMaxIdleConns(cfg.ReadConnections)
		s.read = read
	}
	return s, nil
}

// sqliteEngine is SQLite's side of engine.
func sqliteEngine() engine {
	return engine{
		rebind:   func(q string) string { return q },
		logText:  func(s string) string { return s },
		runRowID: "rowid",
		// Statement journals in memory (runInserter.setUp).
		runBatchSetup: "PRAGMA temp_store = MEMORY",
		// Times are stored as text in one format, so the later one is the
		// larger text.
		subscriptionFailed: `UPDATE webhooks SET last_triggered = MAX(COALESCE(last_triggered, ''), ?),
		failing_since = COALESCE(failing_since, ?) WHERE id = ?`,
		subscriptionSucceeded: `UPDATE webhooks SET last_triggered = MAX(COALESCE(last_triggered, ''), ?),
		failing_since = ? WHERE id = ?`,
		deliveryStateRow:    "(?, ?, ?, ?, ?, ?, ?, ?)",
		updateDeliveries:    updateDeliveriesSQL,
		updateDeliveriesEnd: updateDeliveriesEnd,
		// An attempt whose delivery was deleted while it ran (its webhook
		// removed) is not logged: the delivery's log went with it.
		insertAttempts: func(n int) string {
			rows := appendRows([]byte("INSERT INTO webhook_attempts ("+attemptColumnNames+") SELECT * FROM (VALUES "), n, attemptColumns)
			return string(rows) + ") AS v WHERE EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.id = v.column1)" +
				" RETURNING id, delivery_id, number"
		},
	}
}

// sqliteUniqueViolation reports SQLite's duplicate key error.
func sqliteUniqueViolation(err error) bool {
	var se sqlite3.Error
	return errors.As(err, &se) && (se.ExtendedCode == sqlite3.ErrConstraintUnique ||
		se.ExtendedCode == sqlite3.ErrConstraintPrimaryKey)
}

// sqliteDialector opens a DSN with hookflow's SQLite driver (sqlite_funcs.go).
func sqliteDialector(dsn string) gorm.Dialector {
	return sqlite.New(sqlite.Config{DriverName: sqliteDriverName, DSN: dsn})
}

// pageSize is the page size of new database files. Run records and items
// are JSON documents of one or two kilobytes; with SQLite's default 4 KiB
// pages a row over about 1000 bytes spills into an overflow page, an extra
// page written per record. 16 KiB pages keep rows of up to about 4000 bytes
// on their leaf page.
const pageSize = 16384

// createDatabaseFile creates a missing database file with pageSize pages in
// WAL mode; both can only be chosen before the first table exists.
func createDatabaseFile(filename string, gcfg *gorm.Config) error {
	if filename == "" || filename == MemoryFilename {
		return nil
	}
	if _, err := os.Stat(filename); err == nil || !errors.Is(err, os.ErrNotExist) {
		return nil
	}
	db, err := gorm.Open(sqliteDialector(fileURI(filename)), gcfg)
	if err != nil {
		return fmt.Errorf("create database: %w", err)
	}
	sqlDB, _ := db.DB()
	defer sqlDB.Close()
	if err := db.Exec(fmt.Sprintf("PRAGMA page_size = %d", pageSize)).Error; err != nil {
		return fmt.Errorf("create database: %w", err)
	}
	if err := db.Exec("PRAGMA journal_mode = WAL").Error; err != nil {
		return fmt.Errorf("create database: %w", err)
	}
	return nil
}

// MemoryFilename selects a private in-memory database (tests, embedding).
const MemoryFilename = ":memory:"

var uriPathEscaper = strings.NewReplacer("%", "%25", "?", "%3F", "#", "%23")

// sqliteDSNs builds the write and read DSNs for a database file. WAL lets
// readers run beside the writer; NORMAL synchronous keeps every committed
// transaction across a process crash (kill -9) while skipping an fsync per
// commit; _txlock=immediate takes the write lock when a transaction starts,
// so it never fails half-way on a busy database.
func sqliteDSNs(filename string) (write, read string, err error) {
	if filename == MemoryFilename || filename == "" {
		// A uniquely named shared-cache memory database: visible to both
		// handles of this store and to nobody else in the process.
		var b [8]byte
		if _, err := rand.Read(b[:]); err != nil {
			return "", "", err
		}
		dsn := "file:hookflow-" + hex.EncodeToString(b[:]) +
			"?mode=memory&cache=shared&_busy_timeout=5000&_foreign_keys=on"
		return dsn, dsn, nil
	}
	if dir := filepath.Dir(filename); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return "", "", fmt.Errorf("create database directory: %w", err)
		}
	}
	common := "_journal_mode=WAL&_busy_timeout=5000&_synchronous=NORMAL&_foreign_keys=on"
	write = fileURI(filename) + "?" + common + "&_txlock=immediate"
	read = fileURI(filename) + "?" + common + "&_txlock=deferred"
	return write, read, nil
}

// fileURI is the SQLite URI of a database file.
func fileURI(filename string) string {
	path := (&url.URL{Path: filename}).EscapedPath()
	if strings.HasPrefix(filename, "/") {
		// A '?' or '#' would end the file name of the URI (and '%' start an
		// escape): /tmp/Test#01/db must not open /tmp/Test.
		path = uriPathEscaper.Replace(filename)
	}
	return "file:" + path
}
