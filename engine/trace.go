package engine

import (
	"context"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// Span attributes of runs and operations (OpenTelemetry, docs/operating.md#traces).
const (
	attrRunID     = attribute.Key("hookflow.run.id")
	attrFlowID    = attribute.Key("hookflow.flow.id")
	attrFlowName  = attribute.Key("hookflow.flow.name")
	attrTrigger   = attribute.Key("hookflow.trigger")
	attrOperation = attribute.Key("hookflow.operation.key")
	attrType      = attribute.Key("hookflow.operation.type")
	attrOutcome   = attribute.Key("hookflow.operation.outcome")
	attrCode      = attribute.Key("hookflow.error.code")
)

// startRunSpan starts the span of a run, a child of the span in ctx (the
// request's, when a request started the run); end finishes it with the
// run's outcome. Without a tracer it returns ctx and nil.
func (e *Engine) startRunSpan(ctx context.Context, p *Plan, in RunInput) (context.Context, trace.Span) {
	if e.tracer == nil {
		return ctx, nil
	}
	return e.tracer.Start(ctx, "run "+p.Flow.Name, trace.WithAttributes(
		attrRunID.String(in.RunID),
		attrFlowID.String(p.Flow.ID),
		attrFlowName.String(p.Flow.Name),
		attrTrigger.String(p.Flow.Trigger),
	))
}

// endRunSpan records a run's outcome on its span.
func endRunSpan(span trace.Span, res *Result) {
	if span == nil {
		return
	}
	if res.Err != nil {
		f, _ := DescribeFailure(res.Err)
		span.SetAttributes(attrCode.String(f.Code))
		span.SetStatus(codes.Error, f.Message)
	}
	span.End()
}

// startStepSpan starts the span of one operation, a child of the run's:
// an operation that calls out (request) passes it on as traceparent.
func (e *Engine) startStepSpan(ctx context.Context, st *step) (context.Context, trace.Span) {
	if e.tracer == nil {
		return ctx, nil
	}
	return e.tracer.Start(ctx, "operation "+st.op.Key, trace.WithAttributes(
		attrOperation.String(st.op.Key),
		attrType.String(st.op.Type),
	))
}

// endStepSpan records an operation's outcome on its span.
func endStepSpan(span trace.Span, outcome string, failure error) {
	if span == nil {
		return
	}
	span.SetAttributes(attrOutcome.String(outcome))
	if failure != nil {
		span.SetStatus(codes.Error, failure.Error())
	}
	span.End()
}
