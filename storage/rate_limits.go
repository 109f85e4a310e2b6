package storage

import (
	"context"
	"fmt"
	"time"
)

// takeTokenSQL counts one call against a bucket with the generic cell rate
// algorithm: the bucket's tat (theoretical arrival time) moves on by the
// rule's interval from itself or now, whichever is later, unless that
// puts it more than the rule's window ahead of now, when the call is
// refused and tat stays. A new bucket is full: its first call is allowed.
// The row lock makes calls to one bucket from every server take turns.
// Parameters: key, now, interval, window (Unix µs and µs).
const takeTokenSQL = `INSERT INTO hf_rate_limits AS r (key, tat, allowed) VALUES ($1, $2::bigint + $3::bigint, true)
ON CONFLICT (key) DO UPDATE SET
	allowed = GREATEST(r.tat, $2::bigint) + $3::bigint - $2::bigint <= $4::bigint,
	tat = CASE WHEN GREATEST(r.tat, $2::bigint) + $3::bigint - $2::bigint <= $4::bigint
		THEN GREATEST(r.tat, $2::bigint) + $3::bigint ELSE r.tat END
RETURNING tat, allowed`

// SharesRateLimits reports whether rate limits must be counted in the
// database (TakeToken), which other servers use too: on PostgreSQL. A
// SQLite database has one server, which counts in memory.
func (s *Store) SharesRateLimits() bool { return s.kind == DialectPostgres }

// TakeToken counts one call against the shared bucket key, which refills
// one call per interval up to window/interval calls, and reports whether
// it is allowed and the bucket's theoretical arrival time after it: the
// bucket is full again then, and holds (now+window-tat)/interval calls.
// One statement, one row: it costs one round trip per call. PostgreSQL
// only (SharesRateLimits).
func (s *Store) TakeToken(ctx context.Context, key string, interval, window time.Duration, now time.Time) (time.Time, bool, error) {
	db, err := s.write.DB()
	if err != nil {
		return time.Time{}, false, err
	}
	var tat int64
	var allowed bool
	err = db.QueryRowContext(ctx, takeTokenSQL, key, now.UnixMicro(), interval.Microseconds(), window.Microseconds()).
		Scan(&tat, &allowed)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("rate limit: %w", translate(err))
	}
	return time.UnixMicro(tat), allowed, nil
}

// pruneRateLimitsSQL removes full buckets (their tat has passed), which
// are the same as no bucket, a batch at a time.
const pruneRateLimitsSQL = `DELETE FROM hf_rate_limits WHERE key IN
	(SELECT key FROM hf_rate_limits WHERE tat < $1 LIMIT 1000)`

// PruneRateLimits removes the shared buckets that are full at now, so the
// table holds only the clients of the last window; it returns how many.
func (s *Store) PruneRateLimits(ctx context.Context, now time.Time) (int64, error) {
	if !s.SharesRateLimits() {
		return 0, nil
	}
	db, err := s.write.DB()
	if err != nil {
		return 0, err
	}
	var total int64
	for {
		res, err := db.ExecContext(ctx, pruneRateLimitsSQL, now.UnixMicro())
		if err != nil {
			return total, fmt.Errorf("prune rate limits: %w", translate(err))
		}
		n, _ := res.RowsAffected()
		total += n
		if n < 1000 {
			return total, nil
		}
	}
}
