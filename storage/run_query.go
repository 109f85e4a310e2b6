package storage

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// RunQuery selects run records: of one flow or of all, narrowed by status,
// by the kind of trigger of their flow and by creation time.
type RunQuery struct {
	// FlowID keeps one flow's runs ("" for every flow).
	FlowID string
	// Status keeps runs with this status ("" for any).
	Status string
	// Trigger keeps runs of flows whose trigger is this kind ("webhook",
	// "schedule", …; "" for any). It is the flow's trigger now: a flow
	// whose trigger changed lists its older runs under the new kind.
	Trigger string
	// Since and Until keep runs created in [Since, Until]; a zero time
	// leaves that end open.
	Since, Until time.Time
	// Limit (0: no limit) and Offset page the selection, newest first.
	Limit, Offset int
}

// QueryRuns lists the runs q selects, newest first, without their queued
// input. Records still in the write batch are committed first, so a run
// that GetRun can see is also listed.
func (s *Store) QueryRuns(ctx context.Context, q RunQuery) ([]*Run, error) {
	s.runs.flush()
	db := q.where(s.read.WithContext(ctx).Model(&Run{}).Omit("input", "request_body"))
	if q.Limit > 0 {
		db = db.Limit(q.Limit)
	}
	var runs []*Run
	err := db.Offset(q.Offset).Order("created_at DESC, id DESC").Find(&runs).Error
	if err != nil {
		return nil, fmt.Errorf("list runs: %w", translate(err))
	}
	return runs, nil
}

// RunIDs lists the ids of the runs q selects, oldest first (the order a
// bulk replay starts them in), at most q.Limit of them.
func (s *Store) RunIDs(ctx context.Context, q RunQuery) ([]string, error) {
	s.runs.flush()
	db := q.where(s.read.WithContext(ctx).Model(&Run{}))
	if q.Limit > 0 {
		db = db.Limit(q.Limit)
	}
	var ids []string
	if err := db.Offset(q.Offset).Order("created_at, id").Pluck("id", &ids).Error; err != nil {
		return nil, fmt.Errorf("list run ids: %w", translate(err))
	}
	return ids, nil
}

// CountRuns counts the runs q selects; Limit and Offset do not apply.
func (s *Store) CountRuns(ctx context.Context, q RunQuery) (int64, error) {
	s.runs.flush()
	var n int64
	if err := q.where(s.read.WithContext(ctx).Model(&Run{})).Count(&n).Error; err != nil {
		return 0, fmt.Errorf("count runs: %w", translate(err))
	}
	return n, nil
}

// where applies the query's conditions. Times are compared in UTC, the
// form created_at is stored in, so that a bound given with an offset
// compares right.
func (q RunQuery) where(db *gorm.DB) *gorm.DB {
	if q.FlowID != "" {
		db = db.Where("flow_id = ?", strings.ToLower(q.FlowID))
	}
	if q.Status != "" {
		db = db.Where("status = ?", q.Status)
	}
	if q.Trigger != "" {
		db = db.Where(`flow_id IN (SELECT id FROM flows WHERE "trigger" = ?)`, q.Trigger)
	}
	if !q.Since.IsZero() {
		db = db.Where("created_at >= ?", q.Since.UTC())
	}
	if !q.Until.IsZero() {
		db = db.Where("created_at <= ?", q.Until.UTC())
	}
	return db
}
