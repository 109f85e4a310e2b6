package operations_test

import (
	"context"
	"testing"
	"time"

	"github.com/hookflow/hookflow/engine"
	"github.com/hookflow/hookflow/operations"
)

func sleepRegistry() *operations.Registry {
	reg := operations.NewRegistry()
	reg.MustRegister("sleep", operations.Sleep{})
	return reg
}

func sleepFlow(ms string) string {
	return `{"trigger": "webhook", "operations": [{"id": "wait", "operation": "sleep", "options": {"milliseconds": ` + ms + `}}]}`
}

func TestSleepWaitsAndKeepsLast(t *testing.T) {
	t.Parallel()
	start := time.Now()
	res := runFlow(t, sleepRegistry(), sleepFlow(`"{{$trigger.ms}}"`), map[string]any{"ms": 30.0})
	if took := time.Since(start); took < 30*time.Millisecond {
		t.Fatalf("slept %s", took)
	}
	if res.Err != nil || toJSON(res.Last) != `{"ms":30}` {
		t.Fatalf("got %v %s", res.Err, toJSON(res.Last))
	}
}

func TestSleepStopsAtTheDeadline(t *testing.T) {
	t.Parallel()
	reg := sleepRegistry()
	plan, err := compileFlow(t, reg, sleepFlow(`60000`))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	res := engine.New(reg, engine.Config{}).Run(ctx, plan, engine.RunInput{RecordSteps: true})
	if took := time.Since(start); took > 5*time.Second {
		t.Fatalf("sleep ignored the deadline (%s)", took)
	}
	if code := errorCode(res); code != "FLOW_TIMEOUT" {
		t.Fatalf("code %q (%v)", code, res.Err)
	}
}

func TestSleepValidation(t *testing.T) {
	t.Parallel()
	reg := sleepRegistry()
	for _, ms := range []string{`null`, `-1`, `1.5`, `"soon"`, `3600001`} {
		if _, err := compileFlow(t, reg, sleepFlow(ms)); !hasFinding(err, "operations[0].options.milliseconds", "") {
			t.Errorf("%s: got %v", ms, err)
		}
	}
	res := runFlow(t, reg, sleepFlow(`"{{$trigger.ms}}"`), map[string]any{"ms": "a while"})
	if code := errorCode(res); code != "INVALID_OPTION" {
		t.Fatalf("templated bad value: code %q", code)
	}
}
