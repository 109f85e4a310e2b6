package api

import (
	"maps"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hookflow/hookflow/telemetry"
	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

// metricsStack is an echo server with the HTTP metrics, a middleware
// answering errors inside them as the request log does, and two routes:
// one answering 200 and one failing with 418.
func metricsStack(m *telemetry.Metrics) *echo.Echo {
	e := echo.New()
	e.Use(httpMetrics(m))
	e.Use(func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if err := next(c); err != nil {
				c.Error(err)
			}
			return nil
		}
	})
	e.POST("/things/:id", func(c echo.Context) error { return c.String(http.StatusOK, "thing") })
	e.GET("/teapot", func(c echo.Context) error { return echo.NewHTTPError(http.StatusTeapot, "short and stout") })
	return e
}

// TestHTTPMetricsLabelsStayBounded: requests are counted by route pattern,
// known method and status; paths, unknown routes and invented methods add
// no series of their own.
func TestHTTPMetricsLabelsStayBounded(t *testing.T) {
	m := telemetry.NewMetrics()
	e := metricsStack(m)
	send := func(method, path string) {
		e.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(method, path, strings.NewReader("{}")))
	}
	for _, id := range []string{"a", "b", "c"} {
		send(http.MethodPost, "/things/"+id)
	}
	send(http.MethodGet, "/teapot")
	send(http.MethodGet, "/nowhere/1")
	send(http.MethodGet, "/nowhere/2")
	for i := range 50 {
		send("X-INVENTED-"+strings.Repeat("A", i), "/things/a")
	}
	for _, tc := range []struct {
		labels []string
		want   float64
	}{
		{[]string{"200", "POST", "/things/:id"}, 3},
		{[]string{"418", "GET", "/teapot"}, 1},
		{[]string{"404", "GET", "unmatched"}, 2},
		{[]string{"405", "unknown", "/things/:id"}, 50},
	} {
		if got := requestsCounted(t, m, tc.labels[0], tc.labels[1], tc.labels[2]); got != tc.want {
			t.Errorf("requests %v = %v, want %v", tc.labels, got, tc.want)
		}
	}
	if n := testutil.CollectAndCount(m.Registry(), "hookflow_http_requests_total"); n != 4 {
		t.Errorf("hookflow_http_requests_total has %d series, want 4", n)
	}
}

// requestsCounted is hookflow_http_requests_total for code, method and
// url (0 when the series does not exist).
func requestsCounted(t *testing.T, m *telemetry.Metrics, code, method, url string) float64 {
	t.Helper()
	families, err := m.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"code": code, "method": method, "host": "", "url": url}
	for _, f := range families {
		if f.GetName() != "hookflow_http_requests_total" {
			continue
		}
		for _, metric := range f.GetMetric() {
			labels := map[string]string{}
			for _, l := range metric.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if maps.Equal(labels, want) {
				return metric.GetCounter().GetValue()
			}
		}
	}
	return 0
}

// BenchmarkHTTPMetrics measures what the HTTP metrics cost a request: an
// echo stack with only the middleware and one route, against the same
// stack without it.
func BenchmarkHTTPMetrics(b *testing.B) {
	for _, on := range []bool{false, true} {
		name := "off"
		e := echo.New()
		if on {
			name = "on"
			e.Use(httpMetrics(telemetry.NewMetrics()))
		}
		e.POST("/flows/trigger/:id", func(c echo.Context) error { return c.NoContent(http.StatusOK) })
		b.Run(name, func(b *testing.B) {
			req := httptest.NewRequest(http.MethodPost, "/flows/trigger/order", strings.NewReader("{}"))
			req.Header.Set("Content-Type", "application/json")
			w := httptest.NewRecorder()
			b.ReportAllocs()
			for b.Loop() {
				e.ServeHTTP(w, req)
			}
		})
	}
}
