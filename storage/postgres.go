package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgconn/ctxwatch"
	"github.com/jackc/pgx/v5/stdlib"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
)

// DefaultPoolSize is the number of connections a store keeps to PostgreSQL
// when Config.PoolSize is zero.
const DefaultPoolSize = 10

// cancelGrace is how long a statement whose caller went away has to stop
// after PostgreSQL was asked to cancel it, before its connection is
// dropped.
const cancelGrace = 5 * time.Second

// openPostgres opens a PostgreSQL database: one pool of connections (pgx)
// serves reads and writes; each connection caches its prepared statements.
func openPostgres(ctx context.Context, cfg Config, gcfg *gorm.Config, instance string) (*Store, error) {
	if cfg.ConnectionString == "" {
		return nil, errors.New("open database: PostgreSQL needs a connection string (DB_CONNECTION_STRING)")
	}
	pcfg, err := pgx.ParseConfig(cfg.ConnectionString)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	if cfg.StatementTimeout > 0 {
		pcfg.RuntimeParams["statement_timeout"] = strconv.FormatInt(cfg.StatementTimeout.Milliseconds(), 10)
	}
	if pcfg.RuntimeParams["application_name"] == "" {
		pcfg.RuntimeParams["application_name"] = "hookflow"
	}
	// The changes this server's connections make are announced under its
	// name (hf_changed), which it then does not take for another's.
	pcfg.RuntimeParams[instanceSetting] = instance
	// A query whose caller goes away is cancelled by the server, and its
	// connection stays usable: pgx's default closes the connection, which
	// would lose the item writer's whole transaction with it.
	pcfg.BuildContextWatcherHandler = func(c *pgconn.PgConn) ctxwatch.Handler {
		return &pgconn.CancelRequestContextWatcherHandler{Conn: c, DeadlineDelay: cancelGrace}
	}
	sqlDB := stdlib.OpenDB(*pcfg)
	size := cfg.PoolSize
	if size <= 0 {
		size = DefaultPoolSize
	}
	sqlDB.SetMaxOpenConns(size)
	sqlDB.SetMaxIdleConns(size)
	if err := checkPostgres(ctx, sqlDB); err != nil {
		_ = sqlDB.Close()
		return nil, err
	}
	if err := migrate(ctx, sqlDB, DialectPostgres, cfg.Logger); err != nil {
		_ = sqlDB.Close()
		return nil, err
	}
	db, err := gorm.Open(postgres.New(postgres.Config{Conn: sqlDB}), gcfg)
	if err != nil {
		_ = sqlDB.Close()
		return nil, fmt.Errorf("open database: %w", err)
	}
	var schema string
	if err := sqlDB.QueryRowContext(ctx, "SELECT current_schema()").Scan(&schema); err != nil {
		_ = sqlDB.Close()
		return nil, fmt.Errorf("open database: %w", err)
	}
	feed := newChangeFeed()
	listener, err := startChangeListener(ctx, pcfg, schema, instance, feed, cfg.Logger, cfg.ChangeCheck)
	if err != nil {
		feed.close()
		_ = sqlDB.Close()
		return nil, fmt.Errorf("open database: %w", err)
	}
	return &Store{
		write:    db,
		read:     db,
		kind:     DialectPostgres,
		dialect:  postgresDialect{},
		engine:   postgresEngine(),
		runQueue: postgresRunQueue,
		stmts:    newStmtCache(sqlDB, rebindDollar),
		instance: instance,
		channel:  "hookflow:" + schema,
		feed:     feed,
		listener: listener,
	}, nil
}

// checkPostgres refuses a database hookflow cannot store items in
// faithfully: items are UTF-8 text (the case folding and key order of
// queries assume it).
func checkPostgres(ctx context.Context, db *sql.DB) error {
	var encoding string
	if err := db.QueryRowContext(ctx, "SHOW server_encoding").Scan(&encoding); err != nil {
		return fmt.Errorf("open database: %w", err)
	}
	if encoding != "UTF8" {
		return fmt.Errorf("open database: the PostgreSQL database is encoded in %s; hookflow needs UTF8 "+
			"(CREATE DATABASE … ENCODING 'UTF8' TEMPLATE template0)", encoding)
	}
	return nil
}

// postgresEngine is PostgreSQL's side of engine.
func postgresEngine() engine {
	return engine{
		rebind:    rebindDollar,
		logText:   func(s string) string { return strings.ReplaceAll(s, "\x00", "\uFFFD") },
		lockRow:   " FOR UPDATE",
		byteOrder: ` COLLATE "C"`,
		shared:    true,
		runRowID:  "id",
		subscriptionFailed: `UPDATE webhooks SET last_triggered = GREATEST(last_triggered, ?),
		failing_since = COALESCE(failing_since, ?) WHERE id = ?`,
		subscriptionSucceeded: `UPDATE webhooks SET last_triggered = GREATEST(last_triggered, ?),
		failing_since = ? WHERE id = ?`,
		// VALUES has no column types of its own: they are given here.
		deliveryStateRow:    "(?::bigint, ?::text, ?::bigint, ?::bigint, ?::bigint, ?::text, ?::timestamptz, ?::timestamptz)",
		updateDeliveries:    updateLeasedDeliveriesSQL,
		updateDeliveriesEnd: updateLeasedDeliveriesEnd,
		leasedDeliveries:    true,
		insertAttempts:      postgresInsertAttempts,
	}
}

// postgresInsertAttempts logs only the attempts whose delivery still
// exists, holding it (FOR KEY SHARE) until the commit: a delivery removed
// meanwhile (its webhook deleted while the attempt was in flight) leaves no
// attempt behind that nothing would remove, which one writer at a time
// guarantees on SQLite. The ids come back with RETURNING.
func postgresInsertAttempts(n int) string {
	row := "(?::bigint, ?::bigint, ?::bigint, ?::timestamptz, ?::float8, ?::text, ?::text, ?::text, ?::text, ?::bigint, ?::text, ?::text, ?::text, ?::text)"
	rows := strings.TrimSuffix(strings.Repeat(row+", ", n), ", ")
	return "INSERT INTO webhook_attempts (" + attemptColumnNames + ") SELECT * FROM (VALUES " + rows + ") AS v(" +
		attemptColumnNames + ") WHERE EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.id = v.delivery_id FOR KEY SHARE)" +
		" RETURNING id, delivery_id, number"
}

// scrubPostgres rewrites the webhooks table without the row versions that
// updates left behind (VACUUM FULL), where replaced credentials would
// otherwise stay until the space is reused. PostgreSQL's write-ahead log
// and its archives keep them until they are recycled.
func (s *Store) scrubPostgres(ctx context.Context) error {
	if err := s.write.WithContext(ctx).Exec("VACUUM FULL webhooks").Error; err != nil {
		return fmt.Errorf("scrub the webhooks table: %w", translate(err))
	}
	return nil
}

// postgresCanceled reports a statement PostgreSQL stopped on request
// (query_canceled): its caller went away.
func postgresCanceled(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "57014"
}

// postgresNUL reports text PostgreSQL refused for holding U+0000 (as
// jsonb's \u0000, or as a byte of text).
func postgresNUL(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "22P05" || (pe.Code == "22021" && strings.Contains(pe.Message, "0x00")))
}

// retryable reports a transaction PostgreSQL aborted to break a deadlock
// (deadlock_detected) or as a serialization failure: run again, it may
// succeed.
func retryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40P01" || pe.Code == "40001")
}

// postgresUniqueViolation reports PostgreSQL's duplicate key error
// (unique_violation).
func postgresUniqueViolation(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}

// rebindDollar numbers the `?` placeholders of a statement as PostgreSQL's
// $1, $2, …, leaving alone question marks inside quoted strings and
// identifiers (a JSON key such as 'a?b' in an item query).
func rebindDollar(query string) string {
	if !strings.Contains(query, "?") {
		return query
	}
	var b strings.Builder
	b.Grow(len(query) + 16)
	n := 0
	var quote byte
	for i := 0; i < len(query); i++ {
		c := query[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '?':
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}
