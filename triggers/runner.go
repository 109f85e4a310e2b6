package triggers

import (
	"context"
	"log/slog"
	"time"

	"github.com/google/uuid"
	"github.com/hookflow/hookflow/engine"
	"github.com/hookflow/hookflow/storage"
)

// Request is everything a run needs to start; it is what a queued run stores
// so that it can start (again) after a restart.
type Request struct {
	FlowID         string                `json:"flow"`
	Trigger        any                   `json:"trigger"`
	Accountability engine.Accountability `json:"accountability"`
	Depth          int                   `json:"depth,omitempty"`
}

// Runner executes plans and records their runs as each flow's
// accountability setting asks: "all" keeps every step, "activity" the run
// only, null nothing.
type Runner struct {
	engine  *engine.Engine
	store   *storage.Store
	env     map[string]any
	secrets *secrets // the env's values, redacted from run records
	logger  *slog.Logger
}

// NewRunner returns a runner; env is the `$env` every run sees.
func NewRunner(e *engine.Engine, store *storage.Store, env map[string]any, logger *slog.Logger) *Runner {
	if env == nil {
		env = map[string]any{}
	}
	return &Runner{engine: e, store: store, env: env, secrets: newSecrets(env), logger: logger}
}

// NewRunID returns a new run id: a time-ordered UUID (v7), so run records
// are inserted in index order.
func NewRunID() string {
	id, err := uuid.NewV7()
	if err != nil {
		return uuid.NewString()
	}
	return id.String()
}

// run executes a plan without recording it.
func (r *Runner) run(ctx context.Context, p *engine.Plan, req Request, runID string) *engine.Result {
	return r.engine.Run(ctx, p, engine.RunInput{
		RunID: runID, Trigger: req.Trigger, Accountability: req.Accountability, Env: r.env,
		Depth: req.Depth, RecordSteps: p.Flow.RecordsSteps(),
	})
}

// RunNow executes a plan and records the run in the background (batched).
func (r *Runner) RunNow(ctx context.Context, p *engine.Plan, req Request) *engine.Result {
	res := r.run(ctx, p, req, NewRunID())
	if p.Flow.RecordsRuns() {
		doc := &storage.RunRecord{ID: res.RunID, Flow: p.Flow.ID, CreatedAt: res.Started}
		r.store.RecordRun(storage.NewRun(completedRecord(doc, p, req, res, r.secrets), nil))
	}
	return res
}

// completedRecord returns the document of a finished run: doc (the run as
// it was queued, or a new one) with the outcome filled in, the values of
// `$env` redacted.
func completedRecord(doc *storage.RunRecord, p *engine.Plan, req Request, res *engine.Result, sec *secrets) *storage.RunRecord {
	rec := *doc
	started := res.Started
	finished := started.Add(res.Duration)
	ms := float64(res.Duration.Microseconds()) / 1000
	rec.Status = storage.RunCompleted
	rec.StartedAt, rec.FinishedAt, rec.DurationMS = &started, &finished, &ms
	rec.Attempts = max(rec.Attempts, 1)
	rec.Rejected = res.Rejected
	rec.Trigger = sec.redact(storedTrigger(req.Trigger))
	rec.Accountability = req.Accountability
	rec.Result = sec.redact(dedupeTrigger(res.Last, req.Trigger))
	if res.Err != nil {
		rec.Status = storage.RunFailed
		rec.Error = sec.redactMap(engine.ErrorObject(res.Err))
	}
	if p.Flow.RecordsSteps() {
		steps := make([]engine.StepRecord, len(res.Steps))
		for i, s := range res.Steps {
			s.Options = sec.redactMap(s.Options)
			s.Result = sec.redact(dedupeTrigger(s.Result, req.Trigger))
			steps[i] = s
		}
		rec.Steps = steps
	}
	return &rec
}

// timeNow is the clock for run records.
func timeNow() time.Time { return time.Now().UTC() }
