package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// RunRetention says which run records are kept (FLOWS_RUN_RETENTION):
// records older than MaxAge go, and each flow keeps at most its MaxPerFlow
// newest. Zero turns a limit off. Queued and running runs are never
// removed: they still have to run.
type RunRetention struct {
	MaxAge     time.Duration
	MaxPerFlow int
	// Interval is the time between two sweeps (default 5 minutes); the
	// first sweep runs one Interval/5 after the store opens.
	Interval time.Duration
	// Now is the clock records are aged by (time.Now by default).
	Now func() time.Time
}

// enabled reports whether any limit is set.
func (r RunRetention) enabled() bool { return r.MaxAge > 0 || r.MaxPerFlow > 0 }

const (
	// pruneBatch bounds one delete transaction: the write connection is
	// shared with the run writer, which waits at most for one batch.
	pruneBatch = 500
	// prunePause separates two batches so that queued writes go first.
	prunePause = 5 * time.Millisecond
	// defaultRetentionInterval is the time between sweeps.
	defaultRetentionInterval = 5 * time.Minute
)

// distinctRunFlowsSQL lists the flows that have runs by stepping through
// the (flow_id, created_at) index one flow at a time (a loose index scan)
// instead of reading every run.
const distinctRunFlowsSQL = `WITH RECURSIVE f(id) AS (
	SELECT MIN(flow_id) FROM runs
	UNION ALL
	SELECT (SELECT MIN(flow_id) FROM runs WHERE flow_id > f.id) FROM f WHERE f.id IS NOT NULL
) SELECT id FROM f WHERE id IS NOT NULL`

// finished excludes runs that have yet to run.
const finished = `status NOT IN ('queued', 'running')`

// PruneRuns applies the retention limits once and returns the number of
// records removed. It deletes in small batches, so the run writer is never
// held up for long.
func (s *Store) PruneRuns(ctx context.Context, r RunRetention) (int, error) {
	if !r.enabled() {
		return 0, nil
	}
	now := time.Now
	if r.Now != nil {
		now = r.Now
	}
	var flowIDs []string
	if err := s.read.WithContext(ctx).Raw(distinctRunFlowsSQL).Scan(&flowIDs).Error; err != nil {
		return 0, fmt.Errorf("list flows with runs: %w", translate(err))
	}
	total := 0
	for _, id := range flowIDs {
		if r.MaxAge > 0 {
			cutoff := now().Add(-r.MaxAge).UTC()
			n, err := s.deleteRunBatches(ctx, `flow_id = ? AND created_at < ? AND `+finished, id, cutoff)
			total += n
			if err != nil {
				return total, err
			}
		}
		if r.MaxPerFlow > 0 {
			n, err := s.pruneRunsOverCount(ctx, id, r.MaxPerFlow)
			total += n
			if err != nil {
				return total, err
			}
		}
	}
	return total, nil
}

// pruneRunsOverCount removes a flow's finished runs beyond its keep newest.
func (s *Store) pruneRunsOverCount(ctx context.Context, flowID string, keep int) (int, error) {
	// The newest run past the limit, found in the (flow_id, created_at)
	// index; the row id (SQLite's rowid, PostgreSQL's id) breaks ties
	// between runs of the same instant.
	row := s.engine.runRowID
	var createdAt time.Time
	var edge any
	err := s.read.WithContext(ctx).Raw(`SELECT created_at, `+row+` FROM runs WHERE flow_id = ?
		ORDER BY created_at DESC, `+row+` DESC LIMIT 1 OFFSET ?`, flowID, keep).Row().Scan(&createdAt, &edge)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, translate(err)
	}
	createdAt = createdAt.UTC()
	return s.deleteRunBatches(ctx, `flow_id = ? AND (created_at < ? OR (created_at = ? AND `+row+` <= ?)) AND `+finished,
		flowID, createdAt, createdAt, edge)
}

// deleteRunBatches deletes the runs matching where, pruneBatch at a time.
func (s *Store) deleteRunBatches(ctx context.Context, where string, args ...any) (int, error) {
	row := s.engine.runRowID
	stmt := `DELETE FROM runs WHERE ` + row + ` IN (SELECT ` + row + ` FROM runs WHERE ` + where + ` LIMIT ` + fmt.Sprint(pruneBatch) + `)`
	total := 0
	for {
		res := s.write.WithContext(ctx).Exec(stmt, args...)
		if res.Error != nil {
			return total, fmt.Errorf("prune runs: %w", translate(res.Error))
		}
		total += int(res.RowsAffected)
		if res.RowsAffected < pruneBatch {
			return total, nil
		}
		select {
		case <-ctx.Done():
			return total, ctx.Err()
		case <-time.After(prunePause):
		}
	}
}

// runJanitor applies the retention limits in the background.
type runJanitor struct {
	stop chan struct{}
	wg   sync.WaitGroup
}

// startRunJanitor sweeps every r.Interval until stopped, on the elected
// server (Leader) only.
func (s *Store) startRunJanitor(r RunRetention, logger *slog.Logger) *runJanitor {
	if r.Interval <= 0 {
		r.Interval = defaultRetentionInterval
	}
	j := &runJanitor{stop: make(chan struct{})}
	j.wg.Add(1)
	go func() {
		defer j.wg.Done()
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		go func() { <-j.stop; cancel() }()
		wait := time.NewTimer(r.Interval / 5)
		defer wait.Stop()
		for {
			select {
			case <-j.stop:
				return
			case <-wait.C:
			}
			wait.Reset(r.Interval)
			if !s.leader.IsLeader() {
				continue // servers sharing a database leave it to the elected one
			}
			started := time.Now()
			n, err := s.PruneRuns(ctx, r)
			switch {
			case err != nil && ctx.Err() == nil:
				logger.Error("pruning run records failed", "removed", n, "error", err)
			case n > 0:
				logger.Info("pruned run records", "removed", n, "took", time.Since(started))
			}
		}
	}()
	return j
}

// close stops the janitor, interrupting a sweep in progress.
func (j *runJanitor) close() {
	if j == nil {
		return
	}
	close(j.stop)
	j.wg.Wait()
}
