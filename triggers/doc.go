// Package triggers is how runs start.
//
// The Catalog holds every saved flow compiled into a plan (compiled once when
// the flow is saved, never on the request path), and owns the rules of
// editing flows and their operations (flow_edit.go, operation_edit.go):
// ids, default keys, entries, conflicts, validation, all under one lock. The Webhook trigger turns
// an *http.Request into `$trigger`, checks method and access (a
// TriggerPolicy: the trigger permission), applies the flow's own rate limit
// (rate_limit.go), answers GET flows with cacheEnabled from the
// ResponseCache (cache.go, cache_request.go), and runs the plan
// synchronously or queues it. The Queue executes queued runs: a run is
// stored before it is acknowledged, and workers claim a few at a time from
// the database with a lease (queue.go; queue_claim.go the claims, leases
// and stopping; queue_run.go one run; queue_count.go the count behind
// FLOWS_QUEUE_LIMIT), so a crash loses nothing and memory holds only the
// runs being executed. A queued webhook run stores its HTTPRequest
// (request.go), body once, and builds `$trigger` when it starts. The Runner executes a plan and records the run as
// the flow's accountability setting asks, scrubbed of credentials, `$env`
// values and oversized strings by the rules of the redact package
// (stored_trigger.go keeps the request's part).
//
// Flows also start on their own (docs/operations.md, "What starts a
// flow"). The catalog keeps an index of the active event and schedule
// flows (event_index.go), rebuilt whenever a flow is saved or deleted. The
// EventTrigger (event.go) is the store's RunOutbox — the runs of action
// flows are queued in the transaction of the write that raised their
// event (event_action.go) — and its WriteFilter — filter flows run before
// an item write is made and may change or refuse it (event_filter.go). A
// run's writes carry its place in a chain of events (events.Chain), which
// stops at FLOWS_MAX_EVENT_DEPTH. The Scheduler (schedule.go) fires the
// ticks of schedule flows on the leading server (leader.go), each claimed
// in the database with its run. Manual flows are started through the
// webhook's URL (manual.go). Every run says what started it (origin.go).
//
// The package knows net/http but not echo: the api package adapts it.
package triggers
