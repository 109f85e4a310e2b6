package triggers

import (
	"context"
	"net/http"
	"time"

	"github.com/goccy/go-json"
	"github.com/hookflow/hookflow/access"
	"github.com/hookflow/hookflow/engine"
	"github.com/hookflow/hookflow/flows"
	"github.com/hookflow/hookflow/ratelimit"
)

// WebhookConfig tunes the webhook trigger.
type WebhookConfig struct {
	// MaxPayload is the largest accepted body in bytes (MAX_PAYLOAD_SIZE).
	MaxPayload int64
	// SyncTimeout bounds a synchronous run (FLOWS_SYNC_TIMEOUT).
	SyncTimeout time.Duration
	// Policy says who may trigger which flow; nil lets only admins and
	// flows with "access": "public" through.
	Policy TriggerPolicy
	// Limiter counts calls of flows with a rate_limit; nil disables those
	// limits.
	Limiter *ratelimit.Limiter
	// Cache keeps answers of GET flows with cacheEnabled; nil disables
	// caching.
	Cache *ResponseCache
}

// TriggerPolicy decides who may trigger which flow (access.Service).
type TriggerPolicy interface {
	// MayTrigger reports whether the caller may trigger the flow.
	MayTrigger(c access.Caller, flowID string) bool
	// PublicMayTrigger reports whether anyone may: the flow is public.
	PublicMayTrigger(flowID string) bool
}

// Webhook is the `/flows/trigger/{id}` trigger.
type Webhook struct {
	catalog *Catalog
	runner  *Runner
	queue   *Queue
	cfg     WebhookConfig
	policy  TriggerPolicy
	limiter *ratelimit.Limiter
	cache   *ResponseCache
}

// NewWebhook wires the webhook trigger.
func NewWebhook(c *Catalog, r *Runner, q *Queue, cfg WebhookConfig) *Webhook {
	if cfg.MaxPayload <= 0 {
		cfg.MaxPayload = 1 << 20
	}
	if cfg.SyncTimeout <= 0 {
		cfg.SyncTimeout = 30 * time.Second
	}
	return &Webhook{
		catalog: c,
		runner:  r,
		queue:   q,
		cfg:     cfg,
		policy:  cfg.Policy,
		limiter: cfg.Limiter,
		cache:   cfg.Cache,
	}
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

// Handle runs the flow for one request. It checks, in order, that the flow
// exists and listens on the method, that the caller may trigger it, and
// the flow's rate limit; then it answers from the cache or runs the flow.
// Headers of the answer (X-RateLimit-*, X-Cache, and X-Run-Id once a run
// started) go into h, also when Handle fails. Errors are the package's
// sentinels and types, access.ErrInvalidToken, *ratelimit.ExceededError,
// or a run's failure (engine errors and *RejectedError); the api package
// maps them to statuses.
func (w *Webhook) Handle(ctx context.Context, flowID string, r *http.Request, caller access.Caller, h http.Header) (*Response, error) {
	plan, ok := w.catalog.Plan(flowID)
	if ok && plan.Flow.Manual != nil && plan.Flow.IsActive() {
		return w.manual(ctx, plan, r, caller, h)
	}
	if !ok || plan.Flow.Trigger != flows.TriggerWebhook || !plan.Flow.IsActive() || plan.Flow.Webhook == nil {
		return nil, ErrFlowNotFound
	}
	opts := plan.Flow.Webhook
	if !listensOn(opts.Method, r.Method) {
		allow := opts.Method
		if allow == http.MethodGet {
			allow = "GET, HEAD"
		}
		return nil, &MethodNotAllowedError{Method: r.Method, Allow: allow}
	}
	if err := w.authorize(plan.Flow, caller); err != nil {
		return nil, err
	}
	if err := w.limit(ctx, plan.Flow, caller, h); err != nil {
		return nil, err
	}
	if opts.CacheEnabled && w.cache != nil && !opts.Async {
		return w.cached(ctx, plan, r, caller, h)
	}
	return w.run(ctx, plan, r, caller, h)
}

// listensOn reports whether a flow listening on method answers a request
// with the method got. HEAD is GET without the body of the answer (RFC
// 9110 §9.3.2): a GET flow runs for it once, as for GET, and the server
// leaves the body out.
func listensOn(method, got string) bool {
	return got == method || got == http.MethodHead && method == http.MethodGet
}

// cached answers a GET flow with cacheEnabled: from the cache when it
// holds a valid answer, else by running the flow and caching a 200 answer.
func (w *Webhook) cached(ctx context.Context, plan *engine.Plan, r *http.Request, caller access.Caller, h http.Header) (*Response, error) {
	key, cacheable := cacheKey(plan.Flow.ID, caller.Role, r.URL.RawQuery)
	read, write := cacheDirectives(r.Header)
	if cacheable && read {
		if body, hit := w.cache.Get(key, plan); hit {
			h.Set("X-Cache", "HIT")
			return &Response{Status: http.StatusOK, Data: json.RawMessage(body)}, nil
		}
	}
	h.Set("X-Cache", "MISS")
	version := w.cache.Version()
	resp, err := w.run(ctx, plan, r, caller, h)
	if err != nil || resp.Status != http.StatusOK || !cacheable || !write {
		return resp, err
	}
	body, err := json.MarshalWithOption(resp.Data, json.DisableHTMLEscape())
	if err != nil {
		return resp, nil // not cacheable; the API reports the encoding problem
	}
	w.cache.Put(key, plan, body, plan.Flow.Webhook.CacheTTL, version)
	resp.Data = json.RawMessage(body)
	return resp, nil
}

// run reads the request and runs the flow, or queues the run. The run's id
// goes into h as X-Run-Id whether the run succeeds or fails.
func (w *Webhook) run(ctx context.Context, plan *engine.Plan, r *http.Request, caller access.Caller, h http.Header) (*Response, error) {
	opts := plan.Flow.Webhook
	if opts.Async && w.queue.Full() {
		// Refused before the body is read: a full queue costs a sender's
		// flood nothing but the headers.
		return nil, w.queue.fullError()
	}
	raw, err := readBody(r, w.cfg.MaxPayload)
	if err != nil {
		return nil, err
	}
	res, queued, err := w.start(ctx, plan, NewHTTPRequest(r, raw), caller, StartedByWebhook, opts.Async, h)
	if res == nil {
		return queued, err
	}
	return respond(plan, res)
}

// RunIDHeader names the run an answer comes from.
const RunIDHeader = "X-Run-Id"

// start runs a call's flow, or queues the run when async: it builds
// $trigger from the call and the run's request, and puts the run's id in h
// as X-Run-Id. A queued run's answer comes back in queued (res is nil).
func (w *Webhook) start(ctx context.Context, plan *engine.Plan, call HTTPRequest, caller access.Caller, startedBy string,
	async bool, h http.Header,
) (res *engine.Result, queued *Response, err error) {
	trigger, err := call.Trigger()
	if err != nil {
		return nil, nil, err
	}
	req := Request{
		FlowID:         plan.Flow.ID,
		Trigger:        trigger,
		Accountability: accountabilityOf(caller),
		StartedBy:      startedBy,
	}
	if async {
		queued, err = w.enqueue(ctx, plan, req, call, h)
		return nil, queued, err
	}
	// The run outlives a client that hangs up: it may already have written
	// data, and stopping half-way would leave it inconsistent.
	runCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), w.cfg.SyncTimeout)
	defer cancel()
	res = w.runner.RunNow(runCtx, plan, req)
	h.Set(RunIDHeader, res.RunID)
	return res, nil, nil
}

// enqueue queues a run of a request (stored with it, body once) and
// answers 202 with its id.
func (w *Webhook) enqueue(ctx context.Context, plan *engine.Plan, req Request, call HTTPRequest, h http.Header) (*Response, error) {
	req.HTTP = &call
	run, err := w.queue.Enqueue(ctx, plan, req)
	if err != nil {
		return nil, err
	}
	h.Set(RunIDHeader, run.ID)
	return &Response{
		Status:   http.StatusAccepted,
		RunID:    run.ID,
		Location: "/flows/runs/" + run.ID,
		Data:     map[string]any{"id": run.ID, "status": run.Status},
	}, nil
}

// respond turns a finished run into the webhook's answer.
func respond(plan *engine.Plan, res *engine.Result) (*Response, error) {
	if res.Err != nil {
		return nil, res.Err
	}
	if res.EndedOnReject && plan.Flow.Webhook.ErrorOnReject {
		return nil, &RejectedError{Data: res.Last}
	}
	return &Response{Status: http.StatusOK, Data: plan.ReturnValue(res), RunID: res.RunID}, nil
}

// authorize applies the flow's access: public flows — "access": "public",
// or the public role may trigger them — take anyone (an unrecognised token
// is passed through to the flow); private flows (manual flows always) need
// a valid token whose role may trigger them.
func (w *Webhook) authorize(f *flows.Flow, caller access.Caller) error {
	switch {
	case f.Webhook != nil && f.Webhook.Access == flows.AccessPublic:
		return nil
	case w.policy != nil && w.policy.PublicMayTrigger(f.ID):
		return nil
	case caller.Admin:
		return nil
	case caller.TokenRejected:
		return access.ErrInvalidToken
	case !caller.Authenticated():
		return ErrUnauthorized
	case w.policy != nil && w.policy.MayTrigger(caller, f.ID):
		return nil
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

// HideEnv replaces the `$env` values inside v's strings by "[REDACTED]"
// (redact.Secrets.Hide). The API passes the error answers of runs through
// it: their messages are built by operations from rendered options (a
// request's URL with an API key in its query), never chosen by the caller.
func (w *Webhook) HideEnv(v any) any { return w.runner.secrets.Hide(v) }
