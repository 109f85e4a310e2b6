package operations_test

import (
	"testing"
	"time"

	"github.com/hookflow/hookflow/engine"
	"github.com/hookflow/hookflow/events"
	"github.com/hookflow/hookflow/operations"
)

func emitFlow(options string) string {
	return `{"trigger": "webhook", "operations": [{"id": "announce", "operation": "emit", "options": ` + options + `}]}`
}

func TestEmitPublishes(t *testing.T) {
	t.Parallel()
	bus := events.NewBus(nil)
	defer bus.Close()
	got := make(chan events.Event, 4)
	bus.Subscribe(func(n string) bool { return n == "report.generated" }, func(e events.Event) { got <- e })
	reg := operations.NewRegistry()
	reg.MustRegister("emit", operations.Emit{Bus: bus})

	res := runFlowWith(t, reg, emitFlow(`{"event": "report.{{$trigger.kind}}", "data": {"rows": "{{$trigger.rows}}"}}`), engine.RunInput{
		Trigger: map[string]any{"kind": "generated", "rows": 12.0}, Accountability: engine.Accountability{User: "u1", Role: "r1", IP: "10.0.0.1"},
	})
	if res.Err != nil || toJSON(res.Last) != `{"data":{"rows":12},"event":"report.generated"}` {
		t.Fatalf("got %v %s", res.Err, toJSON(res.Last))
	}
	select {
	case e := <-got:
		if toJSON(e.Payload) != `{"rows":12}` || toJSON(e.Accountability) != `{"role":"r1","user":"u1"}` {
			t.Fatalf("event %+v", e)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no event")
	}
}

func TestEmitRefusesBadNames(t *testing.T) {
	t.Parallel()
	reg := operations.NewRegistry()
	reg.MustRegister("emit", operations.Emit{})
	for _, tc := range []struct{ options, message string }{
		{`{}`, "is required"},
		{`{"event": "Report Generated"}`, "dot-separated"},
		{`{"event": "report"}`, "dot-separated"},
		{`{"event": "items.create"}`, "reserved"},
		{`{"event": "a.b", "payload": 1}`, "unknown option"},
	} {
		_, err := compileFlow(t, reg, emitFlow(tc.options))
		path := "operations[0].options.event"
		if tc.message == "unknown option" {
			path = "operations[0].options.payload"
		}
		if !hasFinding(err, path, tc.message) {
			t.Errorf("%s: got %v", tc.options, err)
		}
	}
	res := runFlow(t, reg, emitFlow(`{"event": "{{$trigger.name}}"}`), map[string]any{"name": "items.delete"})
	if code := errorCode(res); code != "INVALID_EVENT" {
		t.Fatalf("templated reserved name: code %q", code)
	}
}
