package storage

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/hookflow/hookflow/events"
	"github.com/hookflow/hookflow/jsonenc"
	"github.com/hookflow/hookflow/jsonnum"
)

// Run statuses.
const (
	RunQueued    = "queued"
	RunRunning   = "running"
	RunCompleted = "completed"
	RunFailed    = "failed"
)

// RunRecord is the document of one flow run, exactly as the API shows it.
// The JSON-valued fields hold whatever the run produced.
type RunRecord struct {
	ID             string     `json:"id"`
	Flow           string     `json:"flow"`
	Status         string     `json:"status"`
	Async          bool       `json:"async"`
	Rejected       bool       `json:"rejected"`
	Trigger        any        `json:"trigger"`
	Accountability any        `json:"accountability"`
	Result         any        `json:"result"`
	Error          any        `json:"error"`
	Steps          any        `json:"steps"`
	CreatedAt      time.Time  `json:"created_at"`
	StartedAt      *time.Time `json:"started_at"`
	FinishedAt     *time.Time `json:"finished_at"`
	DurationMS     *float64   `json:"duration_ms"`
	Attempts       int        `json:"attempts"`
	// ReplayOf is the run this one replays (POST /flows/runs/{id}/replay).
	ReplayOf string `json:"replay_of,omitempty"`
	// StartedBy says what started the run: "webhook", "event",
	// "schedule", "manual" or "operation" (a trigger step of another
	// flow).
	StartedBy string `json:"started_by,omitempty"`
	// Event is the event that started an event run ("items.create"), and
	// EventDepth the run's place in a chain of events (1 for a flow
	// started by a request's write).
	Event      string `json:"event,omitempty"`
	EventDepth int    `json:"event_depth,omitempty"`
	// StoppedEvents lists the events the run raised that started no flow
	// because the run was at FLOWS_MAX_EVENT_DEPTH.
	StoppedEvents []events.Stopped `json:"stopped_events,omitempty"`
}

// Run is how a run is stored: the columns runs are found by, and the run's
// document as one JSON value. Keeping the document whole makes a record one
// value to encode and bind (the run writer is the hottest write of the
// server) and lets the API return it without decoding.
type Run struct {
	ID        string    `gorm:"primaryKey"`
	FlowID    string    `gorm:"index:idx_runs_flow_created,priority:1"`
	Status    string    `gorm:"not null"`
	CreatedAt time.Time `gorm:"index:idx_runs_flow_created,priority:2"`
	// Record is the run's RunRecord as JSON.
	Record json.RawMessage
	// Input is what a queued run needs to start (or restart after a crash);
	// it is cleared when the run finishes.
	Input json.RawMessage
	// RequestBody is the body of the request a queued run answers, kept
	// once, as received, beside Input (which would have to escape it as a
	// JSON string); it is cleared with Input.
	RequestBody []byte
	// Attempts counts the claims of a queued run: how often it started
	// (run_claim.go).
	Attempts int `gorm:"not null;default:0"`
	// LeaseOwner and LeaseUntil (Unix milliseconds, an integer so that the
	// lease index compares numbers) say who holds a running queued run and
	// until when; NULL otherwise.
	LeaseOwner *string
	LeaseUntil *int64

	doc   *RunRecord // encoded into Record by the run writer
	input any        // encoded into Input by the run writer
}

// NewRun prepares a run for writing. input is kept with an unfinished run so
// it can start again after a crash; pass nil once the run is finished. The
// record is encoded by the run writer, off the request path, and must not be
// changed after this call.
// CreatedAt is stored in UTC, so that stored times compare as text.
func NewRun(doc *RunRecord, input any) *Run {
	return &Run{
		ID:        doc.ID,
		FlowID:    doc.Flow,
		Status:    doc.Status,
		CreatedAt: doc.CreatedAt.UTC(),
		Attempts:  doc.Attempts,
		doc:       doc,
		input:     input,
	}
}

// Doc returns the run's document: the one it was created with, or the
// stored one decoded (JSON values as maps and slices).
func (r *Run) Doc() (*RunRecord, error) {
	if r.doc != nil {
		d := *r.doc
		return &d, nil
	}
	var d RunRecord
	if err := jsonnum.Unmarshal(r.Record, &d); err != nil {
		return nil, fmt.Errorf("decode run %s: %w", r.ID, err)
	}
	return &d, nil
}

// DecodeInput decodes the stored input of a queued run.
func (r *Run) DecodeInput(v any) error {
	if len(r.Input) == 0 {
		return fmt.Errorf("run %s has no stored input", r.ID)
	}
	return jsonnum.Unmarshal(r.Input, v)
}

// encoded returns a copy of the run with its document (capped at
// maxRecord bytes) and input turned into JSON; the original is left alone
// because readers may hold it.
func (r *Run) encoded(maxRecord int) (*Run, error) {
	c := *r
	c.doc, c.input = nil, nil
	if r.doc != nil {
		raw, err := marshalJSON(r.doc)
		if err != nil {
			return nil, fmt.Errorf("encode run %s: %w", r.ID, err)
		}
		c.Record = capRecord(raw, maxRecord)
	}
	if r.input != nil {
		raw, err := marshalJSON(r.input)
		if err != nil {
			return nil, fmt.Errorf("encode run %s input: %w", r.ID, err)
		}
		c.Input = raw
	}
	return &c, nil
}

// marshalJSON encodes a stored value (a run's document or input, an item,
// a schema, headers) into a new slice: compact, without HTML escaping
// (stored payloads stay as sent) and without sorting object keys (nothing
// needs it and it costs a third of the encoding time).
func marshalJSON(v any) ([]byte, error) { return appendJSON(nil, v) }

// appendJSON appends v to dst as marshalJSON writes it; a run's document
// takes the record encoder.
func appendJSON(dst []byte, v any) ([]byte, error) {
	if d, ok := v.(*RunRecord); ok {
		out, err := appendRecord(dst, d)
		if err != nil {
			return dst, err
		}
		return out, nil
	}
	return jsonenc.Append(dst, v)
}

// RecordRun stores a run without waiting for the write: it is batched with
// others and readable through GetRun at once.
func (s *Store) RecordRun(r *Run) { s.runs.submit(r) }

// RecordRunDurably stores a run and returns once it is committed (a queued
// run must be on disk before its 202 is sent).
func (s *Store) RecordRunDurably(ctx context.Context, r *Run) error {
	return s.runs.submitWait(ctx, r)
}

// GetRun reads one run, including one still waiting in the write batch,
// without the body of a queued run's request.
func (s *Store) GetRun(ctx context.Context, id string) (*Run, error) {
	if r, ok := s.runs.pendingRun(id); ok {
		r.RequestBody = nil
		return r, nil
	}
	var r Run
	if err := s.read.WithContext(ctx).Omit("request_body").Where("id = ?", id).Take(&r).Error; err != nil {
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

// ListRuns lists runs, newest first. Records still in the write batch are
// committed first, so a run that GetRun can see is also listed.
func (s *Store) ListRuns(ctx context.Context, f RunFilter) ([]*Run, error) {
	s.runs.flush()
	q := s.read.WithContext(ctx).Model(&Run{}).Omit("input", "request_body")
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

// UnfinishedRuns lists every queued or running run whole, oldest first:
// a tool for inspecting a stopped server's database. The queue never reads
// its backlog like this; it claims a few runs at a time (ClaimRuns).
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
