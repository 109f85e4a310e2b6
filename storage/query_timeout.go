package storage

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// DefaultQueryTimeout bounds one item query when Config.QueryTimeout is
// zero.
const DefaultQueryTimeout = 30 * time.Second

// ErrQueryTimeout is returned when an item query (a read, or the selection
// of a write by query) runs longer than Config.QueryTimeout. A filter's
// cost grows with its conditions, the items it scans and the size of the
// fields it tests; the limit keeps one request from holding a connection
// (and, for writes, the single writer) for as long as it likes.
var ErrQueryTimeout = errors.New("query timeout")

// queryContext bounds ctx by the store's query timeout.
func (s *Store) queryContext(ctx context.Context) (context.Context, context.CancelFunc) {
	if s.queryTimeout < 0 {
		return ctx, func() {}
	}
	return context.WithTimeoutCause(ctx, s.queryTimeout, ErrQueryTimeout)
}

// queryError names the store's own limit when it is what ended a query
// (the caller's deadline or cancellation stays as it is).
func (s *Store) queryError(ctx context.Context, err error) error {
	if err != nil && errors.Is(context.Cause(ctx), ErrQueryTimeout) {
		return fmt.Errorf("%w: the query ran longer than %s (DB_QUERY_TIMEOUT): narrow the filter, or declare an index on the fields it tests",
			ErrQueryTimeout, s.queryTimeout)
	}
	if err != nil && ctx.Err() != nil && postgresCanceled(err) {
		// PostgreSQL stopped the statement because the caller went away:
		// that is the caller's error.
		return fmt.Errorf("%w: %v", ctx.Err(), err)
	}
	return err
}
