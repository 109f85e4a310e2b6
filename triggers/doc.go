// Package triggers is how runs start.
//
// The Catalog holds every saved flow compiled into a plan (compiled once when
// the flow is saved, never on the request path). The Webhook trigger turns
// an *http.Request into `$trigger`, checks method and access (a
// TriggerPolicy: the trigger permission), applies the flow's own rate limit
// (rate_limit.go), answers GET flows with cacheEnabled from the
// ResponseCache (cache.go, cache_request.go), and runs the plan
// synchronously or queues it. The Queue executes queued runs on a worker
// pool; queued runs are stored before they are acknowledged and picked up
// again after a crash. The Runner executes a plan and records the run as
// the flow's accountability setting asks, scrubbed of credentials, `$env`
// values and oversized strings (scrub.go, redact.go, secrets.go,
// secret_names.go, json_scan.go).
//
// The package knows net/http but not echo: the api package adapts it.
package triggers
