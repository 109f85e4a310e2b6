package engine

import (
	"time"
)

// Run statuses.
const (
	StatusCompleted = "completed"
	StatusFailed    = "failed"
)

// Step outcomes.
const (
	OutcomeResolve = "resolve"
	OutcomeReject  = "reject"
)

// Accountability is who started a run.
type Accountability struct {
	User      any `json:"user"`
	Role      any `json:"role"`
	IP        any `json:"ip"`
	UserAgent any `json:"userAgent"`
	// System marks a run no caller started (a schedule's tick, and what
	// such a run starts): its `$accountability` is null and its item
	// operations act with the flow's own authority, as in Directus.
	System bool `json:"system,omitempty"`
}

// chainValue is the `$accountability` entry of the data chain: null for a
// system run.
func (a Accountability) chainValue() any {
	if a.System {
		return nil
	}
	return map[string]any{"user": a.User, "role": a.Role, "ip": a.IP, "userAgent": a.UserAgent}
}

// Value is the accountability as run records show it: the
// `$accountability` object, or null for a system run.
func (a Accountability) Value() any {
	if a.System {
		return nil
	}
	return a
}

// RunInput is what starts a run.
type RunInput struct {
	RunID          string
	Trigger        any
	Accountability Accountability
	// Env is the `$env` entry (only allow-listed variables).
	Env map[string]any
	// Depth counts nested flow runs.
	Depth int
	// RecordSteps keeps each step's options and result in the Result.
	RecordSteps bool
}

// Result is what a run leaves behind.
type Result struct {
	RunID    string
	Status   string // StatusCompleted or StatusFailed
	Err      error  // why it failed: *OperationError, ErrMaxSteps, ErrTimeout
	Rejected bool   // some step took the reject outcome
	// EndedOnReject: the run ended on a reject path — its last step
	// rejected, or was reached over a reject edge. A reject branch that
	// recovers and goes on over resolve edges does not end on one.
	EndedOnReject bool
	Last          any
	// Return is the response data the flow's `return` option computes
	// (Plan.ReturnValue).
	Return   any
	Chain    map[string]any
	Steps    []StepRecord
	Started  time.Time
	Duration time.Duration
}

// StepRecord is one executed node.
type StepRecord struct {
	Key      string        `json:"key"`
	Type     string        `json:"type"`
	Status   string        `json:"status"`
	Duration time.Duration `json:"-"`
	// DurationMS is Duration in milliseconds, for run records.
	DurationMS float64        `json:"duration_ms"`
	Options    map[string]any `json:"options,omitempty"`
	// PlannedOptions reports that Options is a map of the plan, the same
	// in every run of it (options without templates): never changed, it
	// may be encoded once for all runs.
	PlannedOptions bool `json:"-"`
	Result         any  `json:"result,omitempty"`
}
