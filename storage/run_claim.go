package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sort"
	"time"
)

// The run queue's claim protocol. A queued run is a row with status
// "queued"; a worker set claims a few at a time (ClaimRuns): the claim marks
// them "running" under a lease — lease_owner names the worker set,
// lease_until (Unix ms) ends the lease — and counts the attempt. A worker
// marks the record started when it starts the run (StartRun). The owner
// renews its leases while it works (RenewRunLeases) and ends each claim with
// the run's outcome (FinishRun, FailRun) or hands the run back unstarted
// (ReleaseRun). A lease that was not renewed expires and makes its run
// claimable again, so a run whose worker died is run again; a claim is
// identified by owner and attempt number together, so the outcome of a
// claim that expired cannot overwrite a later one's. The SQL lives in
// runQueueSQL (run_claim_sqlite.go).

// ClaimedRun is a queued run a worker set holds: what it needs to start the
// run, and the lease that identifies the claim.
type ClaimedRun struct {
	ID        string
	FlowID    string
	CreatedAt time.Time
	// Attempt is the claim's attempt number: 1 the first time the run is
	// claimed.
	Attempt int
	// Owner is the lease owner the run was claimed by; TakenFrom the owner
	// of the expired lease it took over ("" when the run was queued, or on
	// SQLite, whose server releases a dead process's runs when it starts).
	Owner     string
	TakenFrom string
	// Input and RequestBody are the run's stored input (Run.Input,
	// Run.RequestBody).
	Input       json.RawMessage
	RequestBody []byte
}

// ClaimRuns claims up to limit runs for owner until now+lease: runs whose
// lease expired first, then queued runs oldest first. The index of each
// half is idx_runs_leases or idx_runs_queued, so a claim reads a few index
// entries whatever the backlog.
func (s *Store) ClaimRuns(ctx context.Context, owner string, limit int, now time.Time, lease time.Duration) ([]*ClaimedRun, error) {
	if limit <= 0 {
		return nil, nil
	}
	db, err := s.write.DB()
	if err != nil {
		return nil, err
	}
	rows, err := db.QueryContext(ctx, s.runQueue.claim(limit), now.UnixMilli(), limit, owner, now.Add(lease).UnixMilli())
	if err != nil {
		return nil, fmt.Errorf("claim runs: %w", translate(err))
	}
	defer rows.Close()
	var claimed []*ClaimedRun
	for rows.Next() {
		c := &ClaimedRun{Owner: owner}
		var created any
		var input []byte
		var from sql.NullString
		if err := rows.Scan(&c.ID, &c.FlowID, &created, &c.Attempt, &input, &c.RequestBody, &from); err != nil {
			return claimed, fmt.Errorf("claim runs: %w", err)
		}
		c.Input, c.TakenFrom = input, from.String
		if c.CreatedAt, err = scanTime(created); err != nil {
			return claimed, fmt.Errorf("claim run %s: %w", c.ID, err)
		}
		claimed = append(claimed, c)
	}
	if err := rows.Err(); err != nil {
		return claimed, fmt.Errorf("claim runs: %w", translate(err))
	}
	// RETURNING promises no order.
	sort.Slice(claimed, func(i, j int) bool {
		a, b := claimed[i], claimed[j]
		return a.CreatedAt.Before(b.CreatedAt) || a.CreatedAt.Equal(b.CreatedAt) && a.ID < b.ID
	})
	return claimed, nil
}

// StartRun marks a claimed run's record as running since at, on the
// claim's attempt; until then the record reads as it was (queued). It
// reports false, changing nothing, when the claim was lost.
func (s *Store) StartRun(ctx context.Context, c *ClaimedRun, at time.Time) (bool, error) {
	return s.execClaim(ctx, "start run", s.runQueue.start, at.UTC().Format(time.RFC3339Nano), c.ID, c.Owner, c.Attempt)
}

// RenewRunLeases extends the leases of held runs to until and returns the
// runs whose claim was lost: claimed again by anyone after their lease
// expired, or finished by another claim. Those must not be recorded.
func (s *Store) RenewRunLeases(ctx context.Context, owner string, held []*ClaimedRun, until time.Time) (lost []*ClaimedRun, err error) {
	if len(held) == 0 {
		return nil, nil
	}
	db, err := s.write.DB()
	if err != nil {
		return nil, err
	}
	args := make([]any, 0, len(held)+2)
	args = append(args, until.UnixMilli(), owner)
	for _, c := range held {
		args = append(args, c.ID)
	}
	rows, err := db.QueryContext(ctx, s.runQueue.renew(len(held)), args...)
	if err != nil {
		return nil, fmt.Errorf("renew run leases: %w", translate(err))
	}
	defer rows.Close()
	kept := make(map[string]int, len(held))
	for rows.Next() {
		var id string
		var attempts int
		if err := rows.Scan(&id, &attempts); err != nil {
			return nil, fmt.Errorf("renew run leases: %w", err)
		}
		kept[id] = attempts
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("renew run leases: %w", translate(err))
	}
	for _, c := range held {
		if attempts, ok := kept[c.ID]; !ok || attempts != c.Attempt {
			lost = append(lost, c)
		}
	}
	return lost, nil
}

// FinishRun ends a claim with the run's final record (capped like every
// record), or removes the run when doc is nil (flows that record no runs).
// It reports false, changing nothing, when the claim was lost.
func (s *Store) FinishRun(ctx context.Context, c *ClaimedRun, doc *RunRecord) (bool, error) {
	if doc == nil {
		return s.execClaim(ctx, "remove finished run", s.runQueue.drop, c.ID, c.Owner, c.Attempt)
	}
	raw, err := marshalJSON(doc)
	if err != nil {
		return false, fmt.Errorf("encode run %s: %w", c.ID, err)
	}
	return s.execClaim(ctx, "record finished run", s.runQueue.finish, doc.Status,
		capRecord(raw, s.runs.inserter.maxRecord), c.ID, c.Owner, c.Attempt)
}

// FailRun ends a claim whose run was not started (its attempts are used up,
// its flow or input is gone): the stored record becomes a failed one with
// errObj as its error, its trigger and its last start kept. It reports
// false, changing nothing, when the claim was lost.
func (s *Store) FailRun(ctx context.Context, c *ClaimedRun, errObj map[string]any, at time.Time) (bool, error) {
	raw, err := marshalJSON(errObj)
	if err != nil {
		return false, fmt.Errorf("encode run %s error: %w", c.ID, err)
	}
	return s.execClaim(ctx, "record failed run", s.runQueue.fail, at.UTC().Format(time.RFC3339Nano), string(raw),
		c.ID, c.Owner, c.Attempt)
}

// ReleaseRun hands a claimed run that was not started back to the queue
// (a worker set stopping with runs prefetched); the claim is not counted as
// an attempt.
func (s *Store) ReleaseRun(ctx context.Context, c *ClaimedRun) (bool, error) {
	return s.execClaim(ctx, "release run", s.runQueue.release, c.ID, c.Owner, c.Attempt)
}

// execClaim runs a statement that ends a claim and reports whether the
// claim was still held.
func (s *Store) execClaim(ctx context.Context, what, stmt string, args ...any) (bool, error) {
	db, err := s.write.DB()
	if err != nil {
		return false, err
	}
	res, err := db.ExecContext(ctx, stmt, args...)
	if err != nil {
		return false, fmt.Errorf("%s: %w", what, translate(err))
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// Exclusive reports whether this process is the only one using the
// database, so that runs it finds running when it starts were left by a
// process that is gone: true for SQLite, whose file is locked for the
// process (sqlite_lock.go) or lives in its memory. A PostgreSQL database
// may be shared by several servers: it is not exclusive, and the runs of a
// server that died are claimed again when their leases expire.
func (s *Store) Exclusive() bool { return s.kind == DialectSQLite }

// ReleaseDeadRuns makes the runs left running by a process that is gone
// queued again at once, without waiting for their leases to expire, and
// returns how many there were; their attempts stay counted. Call it only
// when the database is Exclusive. It is one UPDATE through idx_runs_leases,
// which holds only running runs: the queued backlog is neither read nor
// decoded.
func (s *Store) ReleaseDeadRuns(ctx context.Context) (int64, error) {
	db, err := s.write.DB()
	if err != nil {
		return 0, err
	}
	res, err := db.ExecContext(ctx, s.runQueue.recover)
	if err != nil {
		return 0, fmt.Errorf("release runs of a stopped server: %w", translate(err))
	}
	return res.RowsAffected()
}

// CountUnfinishedRuns counts queued and running runs from their two
// partial indexes (no record is read).
func (s *Store) CountUnfinishedRuns(ctx context.Context) (int64, error) {
	db, err := s.read.DB()
	if err != nil {
		return 0, err
	}
	var n int64
	if err := db.QueryRowContext(ctx, s.runQueue.count).Scan(&n); err != nil {
		return 0, fmt.Errorf("count unfinished runs: %w", translate(err))
	}
	return n, nil
}

// scanTime reads a stored time: a time.Time when the driver knows the
// column's type, otherwise the text SQLite keeps.
func scanTime(v any) (time.Time, error) {
	switch t := v.(type) {
	case time.Time:
		return t, nil
	case string:
		return parseStoredTime(t)
	case []byte:
		return parseStoredTime(string(t))
	default:
		return time.Time{}, fmt.Errorf("unexpected time value %T", v)
	}
}

// storedTimeLayouts are the forms SQLite drivers write times in.
var storedTimeLayouts = []string{
	"2006-01-02 15:04:05.999999999-07:00",
	time.RFC3339Nano,
	"2006-01-02 15:04:05.999999999",
}

func parseStoredTime(s string) (time.Time, error) {
	for _, layout := range storedTimeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("unreadable time %q", s)
}
