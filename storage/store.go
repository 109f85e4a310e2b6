package storage

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/hookflow/hookflow/secrets"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// Config selects and tunes the database.
type Config struct {
	// Filename is the SQLite file (created with its directory when missing);
	// MemoryFilename gives a private in-memory database.
	Filename string
	// ReadConnections is the size of the read pool (default 4).
	ReadConnections int
	Logger          *slog.Logger
	// OnItemEvent receives every committed item write, in commit order,
	// from the item writer's goroutine: it must not block (events.Bus's
	// Publish does not).
	OnItemEvent func(ItemEvent)
	// OnCollectionWrite receives the name of every collection whose items
	// a committed write changed — quiet writes and collection deletes
	// included, which publish no events — from the item writer's goroutine,
	// before the writer answers: caches of item reads drop what they hold.
	// It must not block.
	OnCollectionWrite func(collection string)
	// RunRetention removes old run records in the background; the zero
	// value keeps every record.
	RunRetention RunRetention
	// MaxRunRecordSize bounds an encoded run record in bytes
	// (DefaultMaxRunRecordSize when zero; larger records lose their
	// largest values, see capRecord).
	MaxRunRecordSize int
	// Outbox, when set, queues the webhook deliveries item writes owe
	// inside their own transactions, and those of other events
	// (StoreEvent).
	Outbox Outbox
	// OnCollectionEvent receives every committed creation, change and
	// deletion of a collection, after the commit, from the caller's
	// goroutine: it must not block.
	OnCollectionEvent func(CollectionEvent)
	// QueryTimeout bounds one item query (DefaultQueryTimeout when zero;
	// negative: no bound beyond the caller's context).
	QueryTimeout time.Duration
	// Keys seal the credentials of webhook subscriptions at rest
	// (secrets.KeySource builds them). Nil means a key of this process
	// only: what it seals cannot be read by another process.
	Keys *secrets.Keyring
}

// Store is the open database.
type Store struct {
	write   *gorm.DB
	read    *gorm.DB
	logger  *slog.Logger
	runs    *runWriter
	items   *itemWriter
	janitor *runJanitor
	dialect dialect
	// runQueue is the run queue's SQL (run_claim.go).
	runQueue runQueueSQL
	// lock keeps other processes off the database file (sqlite_lock.go);
	// nil for a memory database.
	lock    *fileLock
	schemas schemaCache
	stmts   *stmtCache // prepared statements of the write connection
	outbox  Outbox     // Config.Outbox, or nil
	keys    *secrets.Keyring
	// inMemory: the database has no file (MemoryFilename).
	inMemory bool
	// onCollectionEvent is Config.OnCollectionEvent, or nil.
	onCollectionEvent func(CollectionEvent)
	queryTimeout      time.Duration

	closeOnce sync.Once
	closeErr  error
}

// Open opens (creating if needed) and migrates the database and starts the
// run writer.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.ReadConnections <= 0 {
		cfg.ReadConnections = 4
	}
	if cfg.MaxRunRecordSize <= 0 {
		cfg.MaxRunRecordSize = DefaultMaxRunRecordSize
	}
	writeDSN, readDSN, err := sqliteDSNs(cfg.Filename)
	if err != nil {
		return nil, err
	}
	lock, err := lockDatabaseFile(cfg.Filename)
	if err != nil {
		return nil, err
	}
	opened := false
	defer func() {
		if !opened {
			lock.release()
		}
	}()
	gcfg := &gorm.Config{Logger: logger.Discard, SkipDefaultTransaction: true, TranslateError: true}
	registerSQLiteDriver()
	if err := createDatabaseFile(cfg.Filename, gcfg); err != nil {
		return nil, err
	}
	write, err := gorm.Open(openSQLite(writeDSN), gcfg)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	wdb, _ := write.DB()
	wdb.SetMaxOpenConns(1)
	wdb.SetMaxIdleConns(1)
	wdb.SetConnMaxLifetime(0)
	s := &Store{write: write, logger: cfg.Logger, dialect: sqliteDialect{}, runQueue: sqliteRunQueue, lock: lock,
		stmts: newStmtCache(wdb), onCollectionEvent: cfg.OnCollectionEvent, queryTimeout: cfg.QueryTimeout,
		outbox: cfg.Outbox, keys: cfg.Keys, inMemory: cfg.Filename == "" || cfg.Filename == MemoryFilename}
	if s.keys == nil {
		s.keys = secrets.NewEphemeralKeyring()
	}
	if s.queryTimeout == 0 {
		s.queryTimeout = DefaultQueryTimeout
	}
	if err := s.migrate(ctx); err != nil {
		_ = wdb.Close()
		return nil, err
	}
	if readDSN == writeDSN {
		// A shared-cache memory database reports table locks instead of
		// waiting for them, so it is read through the single write
		// connection.
		s.read = write
	} else {
		read, err := gorm.Open(openSQLite(readDSN), gcfg)
		if err != nil {
			_ = wdb.Close()
			return nil, fmt.Errorf("open database for reading: %w", err)
		}
		rdb, _ := read.DB()
		rdb.SetMaxOpenConns(cfg.ReadConnections)
		rdb.SetMaxIdleConns(cfg.ReadConnections)
		s.read = read
	}
	s.runs = newRunWriter(s.write, cfg.Logger, cfg.MaxRunRecordSize)
	s.items = newItemWriter(s.write, s.stmts, cfg.Logger, cfg.OnItemEvent, cfg.OnCollectionWrite, cfg.Outbox)
	if cfg.RunRetention.enabled() {
		s.janitor = s.startRunJanitor(cfg.RunRetention, cfg.Logger)
	}
	opened = true
	return s, nil
}

// openSQLite opens a DSN with hookflow's SQLite driver (sqlite_funcs.go).
func openSQLite(dsn string) gorm.Dialector {
	return sqlite.New(sqlite.Config{DriverName: sqliteDriverName, DSN: dsn})
}

// migrate creates or updates every table.
func (s *Store) migrate(ctx context.Context) error {
	err := s.write.WithContext(ctx).AutoMigrate(&flowRow{}, &operationRow{}, &Run{}, &setting{}, &collectionRow{},
		&Role{}, &User{}, &permissionRow{}, &Subscription{}, &Delivery{}, &Attempt{})
	if err != nil {
		return fmt.Errorf("migrate database: %w", err)
	}
	if err := migrateDeliveries(s.write.WithContext(ctx)); err != nil {
		return fmt.Errorf("migrate database: %w", err)
	}
	if err := migrateRunQueue(s.write.WithContext(ctx)); err != nil {
		return fmt.Errorf("migrate database: %w", err)
	}
	return s.migrateItems(ctx)
}

// Close stops the retention sweeps, commits queued item writes, flushes
// pending run records, closes the database and releases its file lock.
// Later calls do nothing.
func (s *Store) Close() error {
	s.closeOnce.Do(func() { s.closeErr = s.close() })
	return s.closeErr
}

func (s *Store) close() error {
	s.janitor.close()
	s.items.close()
	s.runs.close()
	s.stmts.close()
	var firstErr error
	for _, db := range []*gorm.DB{s.read, s.write} {
		if db == nil || (db == s.read && s.read == s.write) {
			continue
		}
		if sqlDB, err := db.DB(); err == nil {
			if err := sqlDB.Close(); err != nil && firstErr == nil {
				firstErr = err
			}
		}
	}
	s.lock.release()
	return firstErr
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	sqlDB, err := s.read.DB()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	return sqlDB.PingContext(ctx)
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
	db, err := gorm.Open(openSQLite(fileURI(filename)), gcfg)
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
