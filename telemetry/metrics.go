package telemetry

import (
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Namespace prefixes every metric of the server.
const Namespace = "hookflow"

// Buckets of the duration histograms, in seconds.
var (
	// runBuckets span a transform of a millisecond to a queued run near
	// FLOWS_RUN_TIMEOUT (5 minutes).
	runBuckets = []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 300}
	// stepBuckets span a condition of a few microseconds to a slow
	// upstream request.
	stepBuckets = []float64{.0001, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30}
	// deliveryBuckets span a fast receiver to WEBHOOKS_TIMEOUT (15 s).
	deliveryBuckets = []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 15, 30}
)

// Metrics is one server's Prometheus metrics. Its methods implement the
// observers of the engine (StepFinished), the triggers (RunFinished) and
// the webhooks (DeliveryAttempted, WebhookDisabled). Label values are
// bounded: flow ids (not URLs), trigger kinds, operation types of the
// registry, fixed outcomes.
type Metrics struct {
	// flows and types keep the series of each (flow, trigger) and
	// operation type once looked up: a map read instead of hashing label
	// values on every run and step.
	flows sync.Map // flow id → *flowSeries
	types sync.Map // operation type → prometheus.Observer

	registry         *prometheus.Registry
	runs             *prometheus.CounterVec
	runDuration      *prometheus.HistogramVec
	stepDuration     *prometheus.HistogramVec
	deliveries       *prometheus.CounterVec
	deliveryDuration prometheus.Histogram
	disabled         prometheus.Counter
}

// NewMetrics builds the metrics on a registry of their own, with the Go
// runtime's and the process's collectors; AddGauges adds those read from
// the database.
func NewMetrics() *Metrics {
	m := &Metrics{
		registry: prometheus.NewRegistry(),
		runs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: Namespace,
			Name:      "runs_total",
			Help:      "Finished flow runs by flow id, trigger kind and status (completed, failed).",
		}, []string{"flow", "trigger", "status"}),
		runDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: Namespace,
			Name:      "run_duration_seconds",
			Help:      "How long finished flow runs took, by flow id and trigger kind.",
			Buckets:   runBuckets,
		}, []string{"flow", "trigger"}),
		stepDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: Namespace,
			Name:      "operation_duration_seconds",
			Help:      "How long operations took (options rendered and the operation run), by operation type.",
			Buckets:   stepBuckets,
		}, []string{"type"}),
		deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: Namespace,
			Name:      "deliveries_total",
			Help:      "Outgoing webhook delivery attempts by what they led to: succeeded, retrying, failed (given up).",
		}, []string{"status"}),
		deliveryDuration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Namespace: Namespace,
			Name:      "delivery_duration_seconds",
			Help:      "How long outgoing webhook delivery attempts took.",
			Buckets:   deliveryBuckets,
		}),
		disabled: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: Namespace,
			Name:      "webhooks_disabled_total",
			Help:      "Outgoing webhooks the server disabled (410 Gone, or failing for WEBHOOKS_DISABLE_AFTER).",
		}),
	}
	m.registry.MustRegister(
		m.runs, m.runDuration, m.stepDuration, m.deliveries, m.deliveryDuration, m.disabled,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	return m
}

// AddGauges registers the gauges read at scrape time. Call it once, when
// the database they read is open.
func (m *Metrics) AddGauges(g Gauges) { m.registry.MustRegister(newGaugeCollector(g)) }

// Registry is where the metrics are registered and gathered from; the HTTP
// middleware registers its own there.
func (m *Metrics) Registry() *prometheus.Registry { return m.registry }

// flowSeries are the run series of a flow under one trigger kind.
type flowSeries struct {
	trigger           string
	completed, failed prometheus.Counter
	duration          prometheus.Observer
}

// RunFinished counts a finished run and observes its duration.
func (m *Metrics) RunFinished(flowID, trigger, status string, took time.Duration) {
	v, ok := m.flows.Load(flowID)
	if !ok || v.(*flowSeries).trigger != trigger {
		// A flow's trigger kind rarely changes; when it does, its series
		// under the new kind replace the cached ones.
		v = &flowSeries{
			trigger:   trigger,
			completed: m.runs.WithLabelValues(flowID, trigger, statusCompleted),
			failed:    m.runs.WithLabelValues(flowID, trigger, statusFailed),
			duration:  m.runDuration.WithLabelValues(flowID, trigger),
		}
		m.flows.Store(flowID, v)
	}
	series := v.(*flowSeries)
	switch status {
	case statusCompleted:
		series.completed.Inc()
	case statusFailed:
		series.failed.Inc()
	default:
		m.runs.WithLabelValues(flowID, trigger, status).Inc()
	}
	series.duration.Observe(took.Seconds())
}

// The statuses of finished runs.
const (
	statusCompleted = "completed"
	statusFailed    = "failed"
)

// StepFinished observes the duration of one operation.
func (m *Metrics) StepFinished(operationType string, took time.Duration) {
	v, ok := m.types.Load(operationType)
	if !ok {
		v, _ = m.types.LoadOrStore(operationType, m.stepDuration.WithLabelValues(operationType))
	}
	v.(prometheus.Observer).Observe(took.Seconds())
}

// DeliveryAttempted counts a delivery attempt and observes its duration.
func (m *Metrics) DeliveryAttempted(outcome string, took time.Duration) {
	m.deliveries.WithLabelValues(outcome).Inc()
	m.deliveryDuration.Observe(took.Seconds())
}

// WebhookDisabled counts a subscription the server disabled.
func (m *Metrics) WebhookDisabled() { m.disabled.Inc() }

// ForgetFlow drops the series of a deleted flow, so that flows created and
// deleted over a server's life do not grow the metrics without bound.
func (m *Metrics) ForgetFlow(flowID string) {
	m.flows.Delete(flowID)
	m.runs.DeletePartialMatch(prometheus.Labels{"flow": flowID})
	m.runDuration.DeletePartialMatch(prometheus.Labels{"flow": flowID})
}
