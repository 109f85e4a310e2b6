// Package telemetry is what a running server tells its operators besides
// its logs: Prometheus metrics (metrics.go; the gauges read at scrape time
// are in gauges.go), one registry per server so that several servers can
// run in one process.
//
// Domain packages do not import it: the engine, the triggers and the
// webhooks each declare the small observer interface they call
// (engine.StepObserver, triggers.RunObserver, webhooks.DeliveryObserver),
// and Metrics implements all three. The HTTP metrics are the api package's
// middleware (api/http_metrics.go), on the same registry.
package telemetry
