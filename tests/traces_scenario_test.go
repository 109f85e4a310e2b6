package tests

import (
	"net/http"
	"strings"
	"testing"

	"github.com/hookflow/hookflow"
	"github.com/hookflow/hookflow/hookflowtest"
	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
)

// tracedServer is a server whose spans go to an in-memory exporter.
func tracedServer(t *testing.T, options ...func(*hookflow.Config)) (*hookflowtest.Server, *tracetest.InMemoryExporter) {
	t.Helper()
	exporter := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exporter))
	t.Cleanup(func() { _ = tp.Shutdown(t.Context()) })
	options = append(options, func(c *hookflow.Config) { c.TracerProvider = tp })
	return hookflowtest.New(t, options...), exporter
}

// spanNamed finds an ended span by name.
func spanNamed(t *testing.T, spans tracetest.SpanStubs, name string) tracetest.SpanStub {
	t.Helper()
	for _, s := range spans {
		if s.Name == name {
			return s
		}
	}
	var names []string
	for _, s := range spans {
		names = append(names, s.Name)
	}
	t.Fatalf("no span %q among %v", name, names)
	return tracetest.SpanStub{}
}

func attr(s tracetest.SpanStub, key string) attribute.Value {
	for _, kv := range s.Attributes {
		if string(kv.Key) == key {
			return kv.Value
		}
	}
	return attribute.Value{}
}

// TestTracesOfARequestItsRunAndOperations: with tracing on, a request
// continues the caller's trace, its sync run is a child of the request's
// span, each operation a child of the run's, and the request operation
// sends traceparent upstream naming its own span.
func TestTracesOfARequestItsRunAndOperations(t *testing.T) {
	t.Parallel()
	upstream := hookflowtest.NewReceiver(t)
	srv, exporter := tracedServer(t, allowLoopback)
	id := srv.CreateFlow(t, `{"name": "traced", "options": {"access": "public"}, "operations": [
		{"id": "check", "operation": "condition", "options": {"filter": {"n": {"_gte": 0}}}},
		{"id": "call", "operation": "request", "options": {"method": "POST", "url": "`+upstream.URL+`/hook", "body": "{{$trigger.body}}"}},
		{"id": "boom", "operation": "throw-error", "options": {"status": 422, "code": "DONE", "message": "stop"}}]}`)
	const callerTrace = "4bf92f3577b34da6a3ce929d0e0e4736"
	resp := srv.Do(t, "POST", "/flows/trigger/"+id, `{"n": 1}`, "traceparent", "00-"+callerTrace+"-00f067aa0ba902b7-01")
	if resp.Status != http.StatusUnprocessableEntity {
		t.Fatalf("trigger: %d %s", resp.Status, resp.Body)
	}
	spans := exporter.GetSpans()
	request := spanNamed(t, spans, "POST /flows/trigger/:id")
	run := spanNamed(t, spans, "run traced")
	check, call, boom := spanNamed(t, spans, "operation check"), spanNamed(t, spans, "operation call"), spanNamed(t, spans, "operation boom")
	if got := request.SpanContext.TraceID().String(); got != callerTrace {
		t.Errorf("the request's trace %s, want the caller's %s", got, callerTrace)
	}
	if request.Parent.SpanID().String() != "00f067aa0ba902b7" || request.SpanKind != trace.SpanKindServer {
		t.Errorf("the request span's parent %s, kind %v", request.Parent.SpanID(), request.SpanKind)
	}
	if run.Parent.SpanID() != request.SpanContext.SpanID() {
		t.Errorf("the run is not a child of the request")
	}
	for _, op := range []tracetest.SpanStub{check, call, boom} {
		if op.Parent.SpanID() != run.SpanContext.SpanID() || op.SpanContext.TraceID().String() != callerTrace {
			t.Errorf("%s is not a child of the run", op.Name)
		}
	}
	if attr(run, "hookflow.run.id").AsString() != resp.Header.Get("X-Run-Id") || attr(run, "hookflow.error.code").AsString() != "DONE" ||
		run.Status.Code.String() != "Error" {
		t.Errorf("the run span: %v %v", run.Attributes, run.Status)
	}
	if attr(call, "hookflow.operation.type").AsString() != "request" || attr(request, "http.response.status_code").AsInt64() != 422 {
		t.Errorf("attributes: call %v, request %v", call.Attributes, request.Attributes)
	}
	got := upstream.Requests()
	if len(got) != 1 {
		t.Fatalf("the upstream got %d requests", len(got))
	}
	want := "00-" + callerTrace + "-" + call.SpanContext.SpanID().String() + "-01"
	if tp := got[0].Header.Get("traceparent"); tp != want {
		t.Fatalf("upstream traceparent %q, want %q (the request operation's span)", tp, want)
	}
}

// TestTracesOfAnAsyncRun: a queued run is traced as a root of its own, the
// request that queued it in another trace.
func TestTracesOfAnAsyncRun(t *testing.T) {
	t.Parallel()
	srv, exporter := tracedServer(t)
	id := srv.CreateFlow(t, `{"name": "later", "options": {"access": "public", "async": true},
		"operations": [{"id": "t", "operation": "transform", "options": {"json": 1}}]}`)
	resp := srv.Do(t, "POST", "/flows/trigger/"+id, `{}`)
	srv.WaitRun(t, resp.Header.Get("X-Run-Id"))
	waitFor(t, func() bool {
		for _, s := range exporter.GetSpans() {
			if s.Name == "operation t" {
				return true
			}
		}
		return false
	}, "the queued run's spans")
	run := spanNamed(t, exporter.GetSpans(), "run later")
	if run.Parent.IsValid() || attr(run, "hookflow.run.id").AsString() != resp.Header.Get("X-Run-Id") {
		t.Fatalf("the queued run's span: parent %v, attributes %v", run.Parent, run.Attributes)
	}
}

// TestNoTracesByDefault: without a tracer nothing is sent upstream.
func TestNoTracesByDefault(t *testing.T) {
	t.Parallel()
	upstream := hookflowtest.NewReceiver(t)
	srv := hookflowtest.New(t, allowLoopback)
	url := flow(t, srv, `{"access": "public"}`, `[{"id": "call", "operation": "request", "options": {"url": "`+upstream.URL+`"}}]`)
	srv.Do(t, "POST", url, `{}`, "traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
	if got := upstream.Wait(t, 1)[0].Header.Get("traceparent"); !strings.EqualFold(got, "") {
		t.Fatalf("traceparent %q sent with tracing off", got)
	}
}
