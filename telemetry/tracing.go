package telemetry

import (
	"context"
	"fmt"

	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"
)

// TracerName names the tracer of the server's spans (the instrumentation
// scope).
const TracerName = "github.com/hookflow/hookflow"

// NewOTLPTracerProvider sends spans to an OTLP/HTTP collector at endpoint
// (OTEL_EXPORTER_OTLP_ENDPOINT, "http://collector:4318"), in batches. The
// exporter's other OTEL_EXPORTER_OTLP_* variables (headers, timeout,
// compression) apply as the OpenTelemetry SDK reads them. Shut it down to
// send what is left.
func NewOTLPTracerProvider(ctx context.Context, endpoint string) (*sdktrace.TracerProvider, error) {
	exporter, err := otlptracehttp.New(ctx, otlptracehttp.WithEndpointURL(endpoint))
	if err != nil {
		return nil, fmt.Errorf("OTLP trace exporter for %s: %w", endpoint, err)
	}
	res := resource.NewWithAttributes(semconv.SchemaURL, semconv.ServiceName("hookflow"))
	return sdktrace.NewTracerProvider(sdktrace.WithBatcher(exporter), sdktrace.WithResource(res)), nil
}

// Tracer is the server's tracer from a provider; nil (tracing off) for a
// nil provider.
func Tracer(tp trace.TracerProvider) trace.Tracer {
	if tp == nil {
		return nil
	}
	return tp.Tracer(TracerName)
}
