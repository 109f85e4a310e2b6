package storage

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	gojson "github.com/goccy/go-json"
)

// Run statuses.
const (
	RunQueued    = "queued"
	RunRunning   = "running"
	RunCompleted = "completed"
	RunFailed    = "failed"
)

// Run is the record of one flow run. JSON columns are kept as raw JSON so
// the API can return them without decoding.
type Run struct {
	ID             string          `gorm:"primaryKey" json:"id"`
	FlowID         string          `gorm:"index:idx_runs_flow_created,priority:1" json:"flow"`
	Status         string          `gorm:"index" json:"status"`
	Async          bool            `json:"async"`
	Rejected       bool            `json:"rejected"`
	Trigger        json.RawMessage `json:"trigger"`
	Accountability json.RawMessage `json:"accountability"`
	Result         json.RawMessage `json:"result"`
	Error          json.RawMessage `json:"error"`
	Steps          json.RawMessage `json:"steps"`
	CreatedAt      time.Time       `gorm:"index:idx_runs_flow_created,priority:2" json:"created_at"`
	StartedAt      *time.Time      `json:"started_at"`
	FinishedAt     *time.Time      `json:"finished_at"`
	DurationMS     *float64        `json:"duration_ms"`
	Attempts       int             `json:"attempts"`
	// Input is what a queued run needs to start (or restart after a crash);
	// it is cleared when the run finishes.
	Input json.RawMessage `json:"-"`

	values *RunValues
}

// RunValues are the Go values of a run's JSON columns. They are encoded by
// the run writer, off the request path.
type RunValues struct {
	Trigger, Accountability, Result, Error, Steps, Input any
}

// SetValues attaches values to encode when the run is written; nil values
// leave their column as it is.
func (r *Run) SetValues(v RunValues) { r.values = &v }

// DecodeInput decodes the stored input of a queued run. A run queued by
// this process still holds its input as a value (the writer encodes a
// copy), so that is used when there is no raw column yet.
func (r *Run) DecodeInput(v any) error {
	raw := r.Input
	if len(raw) == 0 && r.values != nil && r.values.Input != nil {
		encoded, err := marshalJSON(r.values.Input)
		if err != nil {
			return fmt.Errorf("run %s: encode input: %w", r.ID, err)
		}
		raw = encoded
	}
	if len(raw) == 0 {
		return fmt.Errorf("run %s has no stored input", r.ID)
	}
	return json.Unmarshal(raw, v)
}

// encoded returns a copy of the run with its attached values turned into
// raw JSON columns; the original is left alone because readers may hold it.
func (r *Run) encoded() (*Run, error) {
	c := *r
	c.values = nil
	v := r.values
	if v == nil {
		return &c, nil
	}
	fields := []struct {
		value any
		dst   *json.RawMessage
	}{
		{v.Trigger, &c.Trigger}, {v.Accountability, &c.Accountability}, {v.Result, &c.Result},
		{v.Error, &c.Error}, {v.Steps, &c.Steps}, {v.Input, &c.Input},
	}
	for _, f := range fields {
		if f.value == nil {
			continue
		}
		raw, err := marshalJSON(f.value)
		if err != nil {
			return nil, fmt.Errorf("encode run %s: %w", r.ID, err)
		}
		*f.dst = raw
	}
	return &c, nil
}

// marshalJSON encodes without HTML escaping (stored payloads stay as sent).
func marshalJSON(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := gojson.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}

// RecordRun stores a run record without waiting for the write: it is
// batched with others and readable through GetRun at once.
func (s *Store) RecordRun(r *Run) { s.runs.submit(r) }

// RecordRunDurably stores a run record and returns once it is committed (a
// queued run must be on disk before its 202 is sent).
func (s *Store) RecordRunDurably(ctx context.Context, r *Run) error {
	return s.runs.submitWait(ctx, r)
}

// GetRun reads one run, including one still waiting in the write batch.
func (s *Store) GetRun(ctx context.Context, id string) (*Run, error) {
	if r, ok := s.runs.pendingRun(id); ok {
		return r, nil
	}
	var r Run
	if err := s.read.WithContext(ctx).Where("id = ?", id).Take(&r).Error; err != nil {
		return nil, translate(err)
	}
	return &r, nil
}

// RunFilter narrows a run listing.
type RunFilter struct {
	FlowID string
	Status string
	Since  time.Time
	Limit  int
	Offset int
}

// ListRuns lists runs, newest first.
func (s *Store) ListRuns(ctx context.Context, f RunFilter) ([]*Run, error) {
	q := s.read.WithContext(ctx).Model(&Run{}).Omit("input")
	if f.FlowID != "" {
		q = q.Where("flow_id = ?", f.FlowID)
	}
	if f.Status != "" {
		q = q.Where("status = ?", f.Status)
	}
	if !f.Since.IsZero() {
		q = q.Where("created_at >= ?", f.Since)
	}
	if f.Limit > 0 {
		q = q.Limit(f.Limit)
	}
	var runs []*Run
	err := q.Offset(f.Offset).Order("created_at DESC, id DESC").Find(&runs).Error
	return runs, translate(err)
}

// UnfinishedRuns lists runs that were queued or running when the server
// stopped, oldest first, so they can be started again.
func (s *Store) UnfinishedRuns(ctx context.Context) ([]*Run, error) {
	s.runs.flush()
	var runs []*Run
	err := s.write.WithContext(ctx).Where("status IN ?", []string{RunQueued, RunRunning}).
		Order("created_at, id").Find(&runs).Error
	return runs, translate(err)
}

// DeleteRun removes a run record (flows that record nothing drop their
// queued runs once finished).
func (s *Store) DeleteRun(ctx context.Context, id string) error {
	s.runs.flush()
	return translate(s.write.WithContext(ctx).Where("id = ?", id).Delete(&Run{}).Error)
}
