package telemetry

import (
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
)

func TestRunFinishedCountsByFlowTriggerAndStatus(t *testing.T) {
	m := NewMetrics()
	m.RunFinished("f1", "webhook", "completed", time.Millisecond)
	m.RunFinished("f1", "webhook", "completed", time.Millisecond)
	m.RunFinished("f1", "webhook", "failed", time.Millisecond)
	m.RunFinished("f2", "schedule", "completed", time.Millisecond)
	for _, c := range []struct {
		flow, trigger, status string
		want                  float64
	}{
		{"f1", "webhook", "completed", 2},
		{"f1", "webhook", "failed", 1},
		{"f2", "schedule", "completed", 1},
		{"f2", "schedule", "failed", 0},
	} {
		if got := testutil.ToFloat64(m.runs.WithLabelValues(c.flow, c.trigger, c.status)); got != c.want {
			t.Errorf("runs_total{%s,%s,%s} = %v, want %v", c.flow, c.trigger, c.status, got, c.want)
		}
	}
	if n := testutil.CollectAndCount(m.runDuration); n != 2 {
		t.Errorf("%d duration series, want 2", n)
	}
}

func TestForgetFlowDropsItsSeries(t *testing.T) {
	m := NewMetrics()
	m.RunFinished("gone", "webhook", "completed", time.Millisecond)
	m.RunFinished("kept", "webhook", "completed", time.Millisecond)
	m.ForgetFlow("gone")
	if n := testutil.CollectAndCount(m.runs); n != 2 { // kept: completed and failed, both made on its first run
		t.Fatalf("%d run series after forgetting a flow, want kept's 2", n)
	}
	m.RunFinished("gone", "webhook", "completed", time.Millisecond)
	if got := testutil.ToFloat64(m.runs.WithLabelValues("gone", "webhook", "completed")); got != 1 {
		t.Fatalf("a forgotten flow that runs again counts from %v, want 1", got)
	}
}

func BenchmarkRunFinished(b *testing.B) {
	m := NewMetrics()
	for b.Loop() {
		m.RunFinished("0b7e6a4e-4d9c-4f6e-9a55-3f1f0b6f2c11", "webhook", "completed", time.Millisecond)
	}
}

func BenchmarkStepFinished(b *testing.B) {
	m := NewMetrics()
	for b.Loop() {
		m.StepFinished("transform", time.Microsecond)
	}
}
