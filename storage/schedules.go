package storage

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hookflow/hookflow/flows"
	"gorm.io/gorm"
)

// Schedule is the stored state of an active schedule flow: its cron
// expression and when it is next due. The row is written with the flow
// (saving a flow with a new expression, deactivating or deleting it
// changes the row in the same transaction), so a tick is always claimed
// against the flow as it is saved now; the scheduler sets NextRun and
// claims ticks (ClaimTick).
type Schedule struct {
	FlowID string
	Cron   string
	// NextRun is when the next tick is due; nil until the scheduler
	// computes it for a new or changed expression.
	NextRun *time.Time
}

// syncSchedule keeps a flow's schedule row in step with the flow inside
// the transaction that saves it: an active schedule flow has a row, which
// keeps its due time while the expression stays the same; any other flow
// has none.
func syncSchedule(tx *gorm.DB, f *flows.Flow) error {
	cron, _ := f.Options["cron"].(string)
	cron = strings.TrimSpace(cron)
	if f.Trigger != flows.TriggerSchedule || !f.IsActive() || cron == "" {
		return dropSchedule(tx, f.ID)
	}
	err := tx.Exec(`INSERT INTO flow_schedules (flow_id, cron, next_run) VALUES (?, ?, NULL)
ON CONFLICT (flow_id) DO UPDATE SET cron = excluded.cron,
next_run = CASE WHEN flow_schedules.cron = excluded.cron THEN flow_schedules.next_run ELSE NULL END`, f.ID, cron).Error
	if err != nil {
		return fmt.Errorf("save schedule of flow %s: %w", f.ID, translate(err))
	}
	return nil
}

// dropSchedule removes a flow's schedule row.
func dropSchedule(tx *gorm.DB, ids ...string) error {
	if err := tx.Exec("DELETE FROM flow_schedules WHERE flow_id IN ?", ids).Error; err != nil {
		return fmt.Errorf("remove schedule of flow %s: %w", ids[0], translate(err))
	}
	return nil
}

// Schedules reads every schedule row.
func (s *Store) Schedules(ctx context.Context) ([]Schedule, error) {
	rows, err := s.read.WithContext(ctx).Raw("SELECT flow_id, cron, next_run FROM flow_schedules ORDER BY flow_id").Rows()
	if err != nil {
		return nil, fmt.Errorf("read schedules: %w", translate(err))
	}
	defer rows.Close()
	var out []Schedule
	for rows.Next() {
		var sc Schedule
		var next *int64
		if err := rows.Scan(&sc.FlowID, &sc.Cron, &next); err != nil {
			return nil, fmt.Errorf("read schedules: %w", err)
		}
		if next != nil {
			t := time.UnixMilli(*next).UTC()
			sc.NextRun = &t
		}
		out = append(out, sc)
	}
	return out, translate(rows.Err())
}

// PlanSchedule sets when a schedule is first due: the row of flowID with
// expression cron gets next unless it has a due time already. An active
// schedule flow saved without a row (before schedules were stored) gets
// one; a flow the caller still believes active but that was deactivated
// or deleted since (by another server) does not. It reports whether the
// row now holds next.
func (s *Store) PlanSchedule(ctx context.Context, flowID, cron string, next time.Time) (bool, error) {
	db := s.write.WithContext(ctx)
	err := db.Exec(`INSERT INTO flow_schedules (flow_id, cron, next_run)
SELECT id, ?, NULL FROM flows WHERE id = ? AND status = ? AND "trigger" = ?
ON CONFLICT (flow_id) DO NOTHING`, cron, flowID, flows.StatusActive, flows.TriggerSchedule).Error
	if err != nil {
		return false, fmt.Errorf("plan schedule of flow %s: %w", flowID, translate(err))
	}
	res := db.Exec("UPDATE flow_schedules SET next_run = ? WHERE flow_id = ? AND cron = ? AND next_run IS NULL",
		next.UnixMilli(), flowID, cron)
	if res.Error != nil {
		return false, fmt.Errorf("plan schedule of flow %s: %w", flowID, translate(res.Error))
	}
	return res.RowsAffected > 0, nil
}

// ClaimTick fires the tick of a schedule that was due at due: in one
// transaction of the item writer it moves the row's due time to next and
// queues run (nil: the tick is skipped). The update only matches while the
// row still holds this expression and this due time, which makes it the
// once-only guarantee: a tick claimed by another server, a flow changed or
// deactivated since, or a tick fired already, claims nothing and queues
// nothing. It reports whether the tick was claimed.
func (s *Store) ClaimTick(ctx context.Context, flowID, cron string, due, next time.Time, run *Run) (bool, error) {
	out, err := s.items.do(ctx, "", func(w *writeTx) (any, []ItemEvent, error) {
		res := w.tx.Exec("UPDATE flow_schedules SET next_run = ? WHERE flow_id = ? AND cron = ? AND next_run = ?",
			next.UnixMilli(), flowID, cron, due.UnixMilli())
		if res.Error != nil {
			return nil, nil, fmt.Errorf("claim tick of flow %s: %w", flowID, translate(res.Error))
		}
		if res.RowsAffected == 0 {
			return false, nil, nil
		}
		if run != nil {
			w.owedRuns = append(w.owedRuns, run)
		}
		return true, nil, nil
	})
	if err != nil {
		return false, err
	}
	return out.(bool), nil
}
