package tests

import (
	"bytes"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hookflow/hookflow"
	"github.com/hookflow/hookflow/hookflowtest"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// metrics scrapes GET /metrics with the admin token and parses the text
// format.
func metrics(t *testing.T, srv *hookflowtest.Server) map[string]*dto.MetricFamily {
	t.Helper()
	resp := srv.Do(t, "GET", "/metrics", nil)
	if resp.Status != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("GET /metrics: %d %v %s", resp.Status, resp.Header, resp.Body)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := parser.TextToMetricFamilies(bytes.NewReader(resp.Body))
	if err != nil {
		t.Fatalf("GET /metrics is not the Prometheus text format: %v\n%s", err, resp.Body)
	}
	return fams
}

// metricValue is the value of a counter or gauge, or the sample count of
// a histogram, whose labels include the given ones; 0 when there is none.
func metricValue(fams map[string]*dto.MetricFamily, name string, labels ...string) float64 {
	fam := fams[name]
	if fam == nil {
		return 0
	}
	total := 0.0
	for _, m := range fam.GetMetric() {
		if !hasLabels(m, labels) {
			continue
		}
		switch {
		case m.Counter != nil:
			total += m.GetCounter().GetValue()
		case m.Gauge != nil:
			total += m.GetGauge().GetValue()
		case m.Histogram != nil:
			total += float64(m.GetHistogram().GetSampleCount())
		}
	}
	return total
}

func hasLabels(m *dto.Metric, labels []string) bool {
	for i := 0; i+1 < len(labels); i += 2 {
		found := false
		for _, l := range m.GetLabel() {
			if l.GetName() == labels[i] && l.GetValue() == labels[i+1] {
				found = true
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// labelValues lists the values a label takes in a family.
func labelValues(fams map[string]*dto.MetricFamily, name, label string) []string {
	var out []string
	for _, m := range fams[name].GetMetric() {
		for _, l := range m.GetLabel() {
			if l.GetName() == label {
				out = append(out, l.GetValue())
			}
		}
	}
	return out
}

func TestMetricsCountRunsOperationsAndRequests(t *testing.T) {
	t.Parallel()
	srv := hookflowtest.New(t)
	ok := srv.CreateFlow(t, `{"name": "ok", "options": {"access": "public"}, "operations": [
		{"id": "check", "operation": "condition", "options": {"filter": {"n": {"_gte": 0}}}},
		{"id": "shape", "operation": "transform", "options": {"json": {"n": "{{$trigger.n}}"}}}]}`)
	bad := srv.CreateFlow(t, `{"name": "bad", "options": {"access": "public"}, "operations": [
		{"id": "boom", "operation": "throw-error", "options": {"status": 422, "code": "NO", "message": "no"}}]}`)
	before := metrics(t, srv)
	if v := metricValue(before, "hookflow_runs_total", "flow", ok); v != 0 {
		t.Fatalf("runs before any trigger: %v", v)
	}
	const n = 7
	for i := range n {
		if resp := srv.Do(t, "POST", "/flows/trigger/"+ok, map[string]any{"n": i}); resp.Status != 200 {
			t.Fatalf("trigger: %d %s", resp.Status, resp.Body)
		}
	}
	for range 3 {
		srv.Do(t, "POST", "/flows/trigger/"+bad, `{}`)
	}
	srv.Do(t, "POST", "/flows/trigger/00000000-0000-4000-8000-00000000dead", `{}`)
	srv.Do(t, "GET", "/no/such/thing/"+strings.Repeat("x", 20), nil)

	after := metrics(t, srv)
	for _, c := range []struct {
		name   string
		labels []string
		want   float64
	}{
		{"hookflow_runs_total", []string{"flow", ok, "trigger", "webhook", "status", "completed"}, n},
		{"hookflow_runs_total", []string{"flow", bad, "trigger", "webhook", "status", "failed"}, 3},
		{"hookflow_run_duration_seconds", []string{"flow", ok, "trigger", "webhook"}, n},
		{"hookflow_operation_duration_seconds", []string{"type", "condition"}, n},
		{"hookflow_operation_duration_seconds", []string{"type", "transform"}, n},
		{"hookflow_operation_duration_seconds", []string{"type", "throw-error"}, 3},
		{"hookflow_http_requests_total", []string{"url", "/flows/trigger/:id", "code", "200", "method", "POST"}, n},
		{"hookflow_http_requests_total", []string{"url", "/flows/trigger/:id", "code", "422"}, 3},
		{"hookflow_http_requests_total", []string{"url", "/flows/trigger/:id", "code", "404"}, 1},
		{"hookflow_http_requests_total", []string{"url", "unmatched", "code", "404"}, 1},
		{"hookflow_http_request_duration_seconds", []string{"url", "/flows/trigger/:id", "code", "200"}, n},
	} {
		if got := metricValue(after, c.name, c.labels...) - metricValue(before, c.name, c.labels...); got != c.want {
			t.Errorf("%s%v rose by %v, want %v", c.name, c.labels, got, c.want)
		}
	}
	for _, url := range labelValues(after, "hookflow_http_requests_total", "url") {
		if strings.Contains(url, "dead") || strings.Contains(url, "xxxx") {
			t.Errorf("a request path became a label value: %q", url)
		}
	}
	for _, flow := range labelValues(after, "hookflow_runs_total", "flow") {
		if flow != ok && flow != bad {
			t.Errorf("runs_total has flow %q", flow)
		}
	}
	for _, name := range []string{"go_goroutines", "process_cpu_seconds_total", "hookflow_queue_runs", "hookflow_deliveries_pending"} {
		if after[name] == nil {
			t.Errorf("metric %s is missing", name)
		}
	}
	if resp := srv.Do(t, "DELETE", "/flows/"+strings.ToUpper(bad), nil); resp.Status != http.StatusNoContent {
		t.Fatalf("delete flow: %d %s", resp.Status, resp.Body)
	}
	for _, flow := range labelValues(metrics(t, srv), "hookflow_run_duration_seconds", "flow") {
		if flow == bad {
			t.Errorf("a deleted flow keeps its series")
		}
	}
}

func TestMetricsGaugeTheQueue(t *testing.T) {
	t.Parallel()
	srv, url, release := heldServer(t, func(c *hookflow.Config) { c.Workers = 1 })
	for range 3 {
		if resp := srv.Do(t, "POST", url, `{}`); resp.Status != http.StatusAccepted {
			t.Fatalf("trigger: %d %s", resp.Status, resp.Body)
		}
	}
	waitFor(t, func() bool {
		m := metrics(t, srv)
		return metricValue(m, "hookflow_queue_runs", "state", "running") >= 1 &&
			metricValue(m, "hookflow_queue_runs", "state", "queued")+metricValue(m, "hookflow_queue_runs", "state", "running") == 3
	}, "the gauges to show 3 runs in the queue, one running")
	close(release)
	waitFor(t, func() bool {
		m := metrics(t, srv)
		return metricValue(m, "hookflow_queue_runs", "state", "queued") == 0 &&
			metricValue(m, "hookflow_queue_runs", "state", "running") == 0 &&
			metricValue(m, "hookflow_runs_total", "trigger", "webhook", "status", "completed") == 3
	}, "the queue to empty and 3 completed runs")
}

func TestMetricsCountDeliveries(t *testing.T) {
	t.Parallel()
	logs := hookflowtest.NewLogs(slog.LevelWarn)
	good, failing, gone := hookflowtest.NewReceiver(t), hookflowtest.NewReceiver(t), hookflowtest.NewReceiver(t)
	failing.SetAnswer(func(int, *http.Request) (int, http.Header) { return http.StatusInternalServerError, nil })
	gone.SetAnswer(func(int, *http.Request) (int, http.Header) { return http.StatusGone, nil })
	srv := hookflowtest.New(t, allowLoopback, logs.Configure, func(c *hookflow.Config) { c.Webhooks.Schedule = []time.Duration{} })
	createWebhook(t, srv, map[string]any{"name": "good", "actions": "create", "collections": "orders", "url": good.URL})
	bad := createWebhook(t, srv, map[string]any{"name": "failing", "actions": "create", "collections": "orders", "url": failing.URL})
	gn := createWebhook(t, srv, map[string]any{"name": "gone", "actions": "create", "collections": "refunds", "url": gone.URL})
	const n = 4
	for i := range n {
		check(t, srv.Do(t, "POST", "/items/orders", map[string]any{"n": i}), 200, "")
	}
	check(t, srv.Do(t, "POST", "/items/refunds", `{"n": 1}`), 200, "")
	good.Wait(t, n)
	failing.Wait(t, n)
	gone.Wait(t, 1)
	waitFor(t, func() bool {
		m := metrics(t, srv)
		return metricValue(m, "hookflow_deliveries_total", "status", "succeeded") == n &&
			metricValue(m, "hookflow_deliveries_total", "status", "failed") == n+1 &&
			metricValue(m, "hookflow_delivery_duration_seconds") == 2*n+1 &&
			metricValue(m, "hookflow_webhooks_disabled_total") == 1 &&
			metricValue(m, "hookflow_deliveries_pending") == 0
	}, "the delivery metrics to count every attempt")
	logs.Wait(t, "webhook delivery failed for good", "level", "WARN", "webhook_id", bad["id"], "response_status", 500,
		"attempts", 1)
	logs.Wait(t, "webhook disabled", "level", "WARN", "webhook", gn["id"])
}

func TestMetricsAccess(t *testing.T) {
	t.Parallel()
	const scraper = "scraper-token-0123456789"
	srv := hookflowtest.New(t, func(c *hookflow.Config) { c.MetricsTokens = []string{scraper} })
	_, user := srv.CreateUser(t, "")
	for _, c := range []struct {
		name   string
		header []string
		status int
		code   string
	}{
		{"no token", []string{"Authorization", ""}, 401, "UNAUTHORIZED"},
		{"unknown token", []string{"Authorization", "Bearer scraper-token-012345678"}, 401, "INVALID_CREDENTIALS"},
		{"a user without admin", []string{"Authorization", "Bearer " + user}, 403, "FORBIDDEN"},
		{"the metrics token", []string{"Authorization", "Bearer " + scraper}, 200, ""},
		{"the admin token", nil, 200, ""},
	} {
		resp := srv.Do(t, "GET", "/metrics", nil, c.header...)
		if resp.Status != c.status || c.code != "" && resp.ErrorCode(t) != c.code {
			t.Errorf("%s: %d %s", c.name, resp.Status, resp.Body)
		}
	}
	if resp := srv.Do(t, "GET", "/metrics?access_token="+scraper, nil, "Authorization", ""); resp.Status != 200 {
		t.Errorf("the metrics token as access_token: %d", resp.Status)
	}

	off := hookflowtest.New(t, func(c *hookflow.Config) { c.MetricsDisabled = true })
	if resp := off.Do(t, "GET", "/metrics", nil); resp.Status != 404 {
		t.Fatalf("METRICS_ENABLED=false: GET /metrics answers %d", resp.Status)
	}
}

func TestMetricsOfTwoServersAreTheirOwn(t *testing.T) {
	t.Parallel()
	a, b := hookflowtest.New(t), hookflowtest.New(t)
	id := a.CreateFlow(t, `{"name": "x", "options": {"access": "public"}, "operations": [{"id": "t", "operation": "transform", "options": {"json": 1}}]}`)
	a.Do(t, "POST", "/flows/trigger/"+id, `{}`)
	if v := metricValue(metrics(t, a), "hookflow_runs_total"); v != 1 {
		t.Fatalf("server a counted %v runs", v)
	}
	if v := metricValue(metrics(t, b), "hookflow_runs_total"); v != 0 {
		t.Fatalf("server b counted %v runs of server a", v)
	}
}
