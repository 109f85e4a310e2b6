package hookflow

import (
	"context"
	"log/slog"

	"github.com/hookflow/hookflow/storage"
	"github.com/hookflow/hookflow/telemetry"
	"go.opentelemetry.io/otel/trace"
)

// observability is what a server reports to besides its log: metrics and
// traces, each nil when off.
type observability struct {
	metrics *telemetry.Metrics
	tracer  trace.Tracer
	// stopTraces sends the spans not yet exported and stops the exporter
	// the server made (nil when it made none).
	stopTraces func(context.Context) error
}

// newObservability builds the metrics (unless METRICS_ENABLED=false) and
// the tracer: Config.TracerProvider's, or an OTLP exporter's when
// OTEL_EXPORTER_OTLP_ENDPOINT is set; without either, runs are not traced.
func newObservability(ctx context.Context, cfg Config) (*observability, error) {
	obs := &observability{}
	if !cfg.MetricsDisabled {
		obs.metrics = telemetry.NewMetrics()
	}
	tp := cfg.TracerProvider
	if tp == nil && cfg.OTLPEndpoint != "" {
		otlp, err := telemetry.NewOTLPTracerProvider(ctx, cfg.OTLPEndpoint)
		if err != nil {
			return nil, err
		}
		tp, obs.stopTraces = otlp, otlp.Shutdown
	}
	obs.tracer = telemetry.Tracer(tp)
	return obs, nil
}

// watchStore adds the gauges read from the database to the metrics.
func (o *observability) watchStore(store *storage.Store, logger *slog.Logger) {
	if o.metrics == nil {
		return
	}
	o.metrics.AddGauges(telemetry.Gauges{
		QueueRuns:         store.CountQueueRuns,
		PendingDeliveries: store.CountPendingDeliveries,
		Logger:            logger,
	})
}

// shutdown sends the spans not yet exported, within ctx.
func (o *observability) shutdown(ctx context.Context, logger *slog.Logger) {
	if o.stopTraces == nil {
		return
	}
	if err := o.stopTraces(ctx); err != nil {
		logger.Warn("sending the last traces failed", "error", err)
	}
}
