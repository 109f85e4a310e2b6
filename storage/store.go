package storage

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/hookflow/hookflow/secrets"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// Dialect names a database hookflow can store its state in (DB_CLIENT).
type Dialect string

const (
	// DialectSQLite is one SQLite file beside the server: the default.
	DialectSQLite Dialect = "sqlite"
	// DialectPostgres is a PostgreSQL database, which several servers may
	// share.
	DialectPostgres Dialect = "postgres"
)

// Config selects and tunes the database.
type Config struct {
	// Dialect is the database (DialectSQLite when empty).
	Dialect Dialect
	// Filename is the SQLite file (created with its directory when missing);
	// MemoryFilename gives a private in-memory database.
	Filename string
	// ReadConnections is the size of SQLite's read pool (default 4).
	ReadConnections int
	// ConnectionString locates a PostgreSQL database:
	// postgres://user:password@host:5432/database?sslmode=require.
	ConnectionString string
	// PoolSize bounds the connections to PostgreSQL (DefaultPoolSize when
	// zero).
	PoolSize int
	// StatementTimeout makes PostgreSQL stop any statement of this store
	// that runs longer (zero: the server's own setting).
	StatementTimeout time.Duration
	Logger           *slog.Logger
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
	// RunOutbox, when set, queues the runs of the flows events start
	// inside the transactions of the writes that raise them (item writes,
	// collection changes, StoreEvent).
	RunOutbox RunOutbox
	// Filter, when set, shows item writes to the flows that filter them
	// before the writes are made (write_filter.go).
	Filter WriteFilter
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
	// Lease is how long the elected server's lease holds without renewal
	// (DefaultLease when zero; QUEUE_LEASE): how soon another server takes
	// over the work that runs once when the elected one dies.
	Lease time.Duration
	// ChangeCheck is how often a server sharing a PostgreSQL database
	// compares the database's change counts with the notifications it
	// heard (DefaultChangeCheck when zero): the bound on how late a
	// missed notification is made up for.
	ChangeCheck time.Duration
}

// Store is the open database.
type Store struct {
	// write holds the connection writes go through (SQLite: exactly one);
	// read serves reads (SQLite: a pool beside the writer). On PostgreSQL
	// both are one pool.
	write   *gorm.DB
	read    *gorm.DB
	logger  *slog.Logger
	runs    *runWriter
	items   *itemWriter
	janitor *runJanitor
	kind    Dialect
	dialect queryDialect
	engine  engine
	// runQueue is the run queue's SQL (run_claim.go).
	runQueue runQueueSQL
	// lock keeps other processes off a SQLite database file
	// (sqlite_lock.go); nil for a memory database and for PostgreSQL.
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
	// instance names this store among the servers of the database
	// (Instance); feed hands other servers' changes to watchers (Watch),
	// fed on PostgreSQL by listener; leader is the election (Leader).
	instance  string
	channel   string // PostgreSQL: where changes are announced
	feed      *changeFeed
	listener  *changeListener
	leader    *Leader
	housework *housekeeping

	closeOnce sync.Once
	closeErr  error

	// runOutbox and filter are Config.RunOutbox and Config.Filter, or nil.
	runOutbox RunOutbox
	filter    WriteFilter
}

// engine is what differs between the databases outside item queries
// (queryDialect spells those): placeholders, a few statements, and
// whether other servers write the same database. sqlite.go and
// postgres.go each define theirs.
type engine struct {
	// rebind rewrites the `?` placeholders of a statement run through
	// database/sql into the database's own.
	rebind func(query string) string
	// logText makes a text received from elsewhere (a webhook receiver's
	// answer) storable in the delivery log: PostgreSQL's text cannot hold
	// U+0000, which becomes U+FFFD there.
	logText func(string) string
	// lockRow ends a SELECT whose rows the write transaction holds until
	// it commits ("" where one writer holds the whole database).
	lockRow string
	// byteOrder follows a text column in an ORDER BY to sort it by its
	// bytes, as SQLite does, whatever PostgreSQL's collation.
	byteOrder string
	// shared says that other servers may write the same database, so the
	// item writer keeps nothing it read between transactions.
	shared bool
	// runRowID identifies a run row in batched deletes.
	runRowID string
	// runBatchSetup runs on the write connection before each batch of run
	// records ("" for nothing; run_insert.go).
	runBatchSetup string
	// subscriptionFailed and subscriptionSucceeded record a batch's
	// attempts on its subscription (webhook_attempts.go).
	subscriptionFailed, subscriptionSucceeded string
	// insertAttempts is the statement that logs n attempts, their 14
	// values (attemptColumnNames) bound row by row.
	insertAttempts func(n int) string
	// deliveryStateRow is one row of the VALUES list whose rows set the
	// state of attempted deliveries; updateDeliveries and
	// updateDeliveriesEnd go around the list.
	deliveryStateRow                      string
	updateDeliveries, updateDeliveriesEnd string
	// leasedDeliveries says that deliveries are leased
	// (webhook_claim.go): recording an attempt ends the lease of
	// leaseOwner, this store, and leaves others' alone.
	leasedDeliveries bool
	leaseOwner       string
}

// Open opens (creating if needed) and migrates the database and starts the
// run writer.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.MaxRunRecordSize <= 0 {
		cfg.MaxRunRecordSize = DefaultMaxRunRecordSize
	}
	gcfg := &gorm.Config{Logger: logger.Discard, SkipDefaultTransaction: true, TranslateError: true}
	var s *Store
	var err error
	switch cfg.Dialect {
	case "", DialectSQLite:
		s, err = openSQLite(ctx, cfg, gcfg)
	case DialectPostgres:
		s, err = openPostgres(ctx, cfg, gcfg, newInstanceName())
	default:
		return nil, fmt.Errorf("open database: unknown database %q (sqlite or postgres)", cfg.Dialect)
	}
	if err != nil {
		return nil, err
	}
	s.logger = cfg.Logger
	s.onCollectionEvent = cfg.OnCollectionEvent
	s.queryTimeout = cfg.QueryTimeout
	s.outbox = cfg.Outbox
	s.keys = cfg.Keys
	s.runOutbox, s.filter = cfg.RunOutbox, cfg.Filter
	if s.keys == nil {
		s.keys = secrets.NewEphemeralKeyring()
	}
	if s.queryTimeout == 0 {
		s.queryTimeout = DefaultQueryTimeout
	}
	if s.instance == "" {
		s.instance = newInstanceName()
	}
	var shared *sql.DB
	if s.kind == DialectPostgres {
		shared, _ = s.write.DB()
	}
	s.leader = newLeader(shared, s.instance, cfg.Lease, cfg.Logger, s.engine.rebind)
	s.runs = newRunWriter(s.write, s.engine, cfg.Logger, cfg.MaxRunRecordSize)
	s.items = newItemWriter(s.write, s.stmts, s.engine, cfg.Logger, cfg.OnItemEvent, cfg.OnCollectionWrite, cfg.Outbox,
		cfg.RunOutbox, cfg.MaxRunRecordSize)
	s.items.announce = s.announcer()
	if cfg.RunRetention.enabled() {
		s.janitor = s.startRunJanitor(cfg.RunRetention, cfg.Logger)
	}
	if s.SharesRateLimits() {
		s.housework = s.startHousekeeping(cfg.Logger)
	}
	return s, nil
}

// Dialect says which database the store is open on.
func (s *Store) Dialect() Dialect { return s.kind }

// Close stops the retention sweeps, commits queued item writes, flushes
// pending run records, closes the database and releases its file lock.
// Later calls do nothing.
func (s *Store) Close() error {
	s.closeOnce.Do(func() { s.closeErr = s.close() })
	return s.closeErr
}

func (s *Store) close() error {
	s.janitor.close()
	s.housework.close()
	s.items.close()
	s.runs.close()
	s.listener.close()
	if s.feed != nil {
		s.feed.close()
	}
	s.leader.close()
	s.stmts.close()
	var firstErr error
	handles := []*gorm.DB{s.write}
	if s.read != s.write {
		handles = append(handles, s.read)
	}
	for _, db := range handles {
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
