package triggers

import (
	"context"
	"log/slog"
	"time"

	"github.com/google/uuid"
	"github.com/hookflow/hookflow/engine"
	"github.com/hookflow/hookflow/events"
	"github.com/hookflow/hookflow/redact"
	"github.com/hookflow/hookflow/storage"
)

// Request is everything a run needs to start; it is what a queued run stores
// so that it can start (again) after a restart.
type Request struct {
	FlowID string `json:"flow"`
	// Trigger is `$trigger`. A queued webhook run stores HTTP instead and
	// builds Trigger from it when it starts.
	Trigger        any                   `json:"trigger,omitempty"`
	Accountability engine.Accountability `json:"accountability"`
	Depth          int                   `json:"depth,omitempty"`
	// HTTP is the webhook request Trigger was built from, for queued runs.
	HTTP *HTTPRequest `json:"http,omitempty"`
	// ReplayOf is the run this one replays (replay.go).
	ReplayOf string `json:"replay_of,omitempty"`
	// StartedBy is what started the run (origin.go); "" is a webhook.
	StartedBy string `json:"started_by,omitempty"`
	// Event is the event that started an event run, and EventDepth the
	// run's depth in a chain of events (events.Chain).
	Event      string `json:"event,omitempty"`
	EventDepth int    `json:"event_depth,omitempty"`
}

// Runner executes plans and records their runs as each flow's
// accountability setting asks: "all" keeps every step, "activity" the run
// only, null nothing.
type Runner struct {
	engine *engine.Engine
	store  *storage.Store
	env    map[string]any
	// secrets are the values of env nobody is shown.
	secrets *redact.Secrets
	scrub   *redact.Scrubber // what run records may keep
	// options holds the records' planned step options, encoded once.
	options *optionsCache
	logger  *slog.Logger
	// observer hears of finished runs (nil: nobody).
	observer RunObserver
}

// RunnerConfig tunes a Runner.
type RunnerConfig struct {
	// Env is the `$env` every run sees; its values never reach run records.
	Env map[string]any
	// MaxValueSize cuts longer strings in run records (DefaultMaxValueSize
	// when zero).
	MaxValueSize int
	// Observer hears of every finished run (metrics); nil for none.
	Observer RunObserver
}

// NewRunner returns a runner.
func NewRunner(e *engine.Engine, store *storage.Store, cfg RunnerConfig, logger *slog.Logger) *Runner {
	if cfg.Env == nil {
		cfg.Env = map[string]any{}
	}
	secrets := redact.EnvSecrets(cfg.Env)
	scrub := recordScrubber(secrets, cfg.MaxValueSize)
	return &Runner{
		engine:   e,
		store:    store,
		env:      cfg.Env,
		secrets:  secrets,
		scrub:    scrub,
		options:  newOptionsCache(scrub),
		logger:   logger,
		observer: cfg.Observer,
	}
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

// run executes a plan without recording it. The run's writes carry its
// place in a chain of events (chain), whose stopped events its record
// lists.
func (r *Runner) run(ctx context.Context, p *engine.Plan, req Request, runID string) (*engine.Result, *events.Chain) {
	chain := runChain(ctx, req)
	res := r.engine.Run(events.WithChain(ctx, chain), p, engine.RunInput{
		RunID:          runID,
		Trigger:        req.Trigger,
		Accountability: req.Accountability,
		Env:            r.env,
		Depth:          req.Depth,
		RecordSteps:    p.Flow.RecordsSteps(),
	})
	return res, chain
}

// RunNow executes a plan and records the run in the background (batched).
func (r *Runner) RunNow(ctx context.Context, p *engine.Plan, req Request) *engine.Result {
	res, chain := r.run(ctx, p, req, NewRunID())
	r.finished(p, req, res)
	if p.Flow.RecordsRuns() {
		doc := &storage.RunRecord{ID: res.RunID, Flow: p.Flow.ID, CreatedAt: res.Started}
		req.describe(doc, chain)
		r.store.RecordRun(storage.NewRun(r.completedRecord(doc, p, req, res), nil))
	}
	return res
}

// timeNow is the clock for run records.
func timeNow() time.Time { return time.Now().UTC() }
