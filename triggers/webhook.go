package triggers

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/hookflow/hookflow/access"
	"github.com/hookflow/hookflow/engine"
	"github.com/hookflow/hookflow/flows"
)

// WebhookConfig tunes the webhook trigger.
type WebhookConfig struct {
	// MaxPayload is the largest accepted body in bytes (MAX_PAYLOAD_SIZE).
	MaxPayload int64
	// SyncTimeout bounds a synchronous run (FLOWS_SYNC_TIMEOUT).
	SyncTimeout time.Duration
}

// Webhook is the `/flows/trigger/{id}` trigger.
type Webhook struct {
	catalog *Catalog
	runner  *Runner
	queue   *Queue
	cfg     WebhookConfig
}

// NewWebhook wires the webhook trigger.
func NewWebhook(c *Catalog, r *Runner, q *Queue, cfg WebhookConfig) *Webhook {
	if cfg.MaxPayload <= 0 {
		cfg.MaxPayload = 1 << 20
	}
	if cfg.SyncTimeout <= 0 {
		cfg.SyncTimeout = 30 * time.Second
	}
	return &Webhook{catalog: c, runner: r, queue: q, cfg: cfg}
}

// Response is a successful webhook answer.
type Response struct {
	// Status is 200 for a finished run and 202 for a queued one.
	Status int
	// Data is the response's `data`.
	Data any
	// RunID identifies the run (sent as X-Run-Id).
	RunID string
	// Location is the queued run's URL (202 only).
	Location string
}

// Handle runs the flow for one request. Errors are the package's sentinels
// and types, access.ErrInvalidToken, or a run's failure (engine errors and
// *RejectedError); the api package maps them to statuses.
func (w *Webhook) Handle(ctx context.Context, flowID string, r *http.Request, caller access.Caller) (*Response, error) {
	plan, ok := w.catalog.Plan(flowID)
	if !ok || plan.Flow.Trigger != flows.TriggerWebhook || !plan.Flow.IsActive() || plan.Flow.Webhook == nil {
		return nil, ErrFlowNotFound
	}
	opts := plan.Flow.Webhook
	if r.Method != opts.Method {
		return nil, &MethodNotAllowedError{Method: r.Method, Allow: opts.Method}
	}
	if err := authorize(plan.Flow, caller); err != nil {
		return nil, err
	}
	raw, err := readBody(r, w.cfg.MaxPayload)
	if err != nil {
		return nil, err
	}
	trigger, err := BuildTrigger(r, raw)
	if err != nil {
		return nil, err
	}
	req := Request{FlowID: flowID, Trigger: trigger, Accountability: accountabilityOf(caller)}
	if opts.Async {
		run, err := w.queue.Enqueue(ctx, plan, req)
		if err != nil {
			return nil, err
		}
		return &Response{
			Status: http.StatusAccepted, RunID: run.ID, Location: "/flows/runs/" + run.ID,
			Data: map[string]any{"id": run.ID, "status": run.Status},
		}, nil
	}
	// The run outlives a client that hangs up: it may already have written
	// data, and stopping half-way would leave it inconsistent.
	runCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), w.cfg.SyncTimeout)
	defer cancel()
	res := w.runner.RunNow(runCtx, plan, req)
	return respond(plan, res)
}

// respond turns a finished run into the webhook's answer.
func respond(plan *engine.Plan, res *engine.Result) (*Response, error) {
	if res.Err != nil {
		return nil, res.Err
	}
	if res.Rejected && plan.Flow.Webhook.ErrorOnReject {
		return nil, &RejectedError{Data: res.Last}
	}
	return &Response{Status: http.StatusOK, Data: plan.ReturnValue(res), RunID: res.RunID}, nil
}

// authorize applies the flow's access: public flows take anyone (an
// unrecognised token is passed through to the flow); private flows need a
// valid token that may trigger them.
func authorize(f *flows.Flow, caller access.Caller) error {
	switch {
	case f.Webhook.Access == flows.AccessPublic:
		return nil
	case caller.Admin:
		return nil
	case caller.TokenRejected:
		return access.ErrInvalidToken
	case !caller.Authenticated():
		return ErrUnauthorized
	default:
		return ErrForbidden
	}
}

// accountabilityOf is the `$accountability` of a caller.
func accountabilityOf(c access.Caller) engine.Accountability {
	a := engine.Accountability{IP: nilIfEmpty(c.IP), UserAgent: nilIfEmpty(c.UserAgent)}
	if c.Authenticated() {
		a.User, a.Role = c.User, c.Role
	}
	return a
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// IsRunFailure reports whether err is the failure of a run (as opposed to a
// problem with the request).
func IsRunFailure(err error) bool {
	var opErr *engine.OperationError
	return errors.As(err, &opErr) || errors.Is(err, engine.ErrMaxSteps) || errors.Is(err, engine.ErrTimeout)
}
