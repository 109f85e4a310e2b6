package api

import (
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/hookflow/hookflow/telemetry"
	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
)

// The request and response size buckets, in bytes: 1 KiB to 10 MiB, as
// echo-contrib's echoprometheus has them, so that dashboards made for it
// read these series unchanged.
const (
	kib = 1 << 10
	mib = 1 << 20
)

var sizeBuckets = []float64{1 * kib, 2 * kib, 5 * kib, 10 * kib, 100 * kib, 500 * kib, 1 * mib, 2.5 * mib, 5 * mib, 10 * mib}

// httpLabels are the labels of every HTTP series: status code, method,
// host (always empty: a caller chooses its Host header) and route pattern.
var httpLabels = []string{"code", "method", "host", "url"}

// httpSeries are one label combination's four series.
type httpSeries struct {
	count        prometheus.Counter
	duration     prometheus.Observer
	requestSize  prometheus.Observer
	responseSize prometheus.Observer
}

// seriesKey is a label combination: the route pattern, a known method and
// the status code, all bounded.
type seriesKey struct {
	route  string
	method string
	code   int
}

// httpMetrics records every answer in hookflow_http_requests_total,
// hookflow_http_request_duration_seconds and the request and response
// sizes, by status code, method and route pattern, with the names, labels
// and buckets of echo-contrib's echoprometheus. Label values stay
// bounded: the route pattern ("/flows/trigger/:id", "unmatched" for
// unknown paths) rather than the path, methods outside HTTP's own as
// "unknown" (as promhttp labels them), and no Host header.
//
// Each label combination binds its four series once and keeps them: a
// request then costs two clock readings and four atomic updates, where
// looking up four labelled series per request cost three times as much
// (BenchmarkHTTPMetrics: 260 ns a request against 750 with echoprometheus).
func httpMetrics(m *telemetry.Metrics) echo.MiddlewareFunc {
	vecs := newHTTPVecs(m.Registry())
	var bound sync.Map // seriesKey → *httpSeries
	series := func(k seriesKey) *httpSeries {
		if s, ok := bound.Load(k); ok {
			return s.(*httpSeries)
		}
		s, _ := bound.LoadOrStore(k, vecs.bind(k))
		return s.(*httpSeries)
	}
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			req := c.Request()
			requestSize := approximateRequestSize(req)
			start := time.Now()
			err := next(c)
			elapsed := time.Since(start).Seconds()
			// The request log (observeRequests, inside this middleware)
			// answers errors itself: the status is the one sent.
			s := series(seriesKey{route: routeOf(c), method: knownMethod(req.Method), code: c.Response().Status})
			s.count.Inc()
			s.duration.Observe(elapsed)
			s.requestSize.Observe(float64(requestSize))
			s.responseSize.Observe(float64(c.Response().Size))
			return err
		}
	}
}

// httpVecs are the four labelled metrics.
type httpVecs struct {
	count        *prometheus.CounterVec
	duration     *prometheus.HistogramVec
	requestSize  *prometheus.HistogramVec
	responseSize *prometheus.HistogramVec
}

// newHTTPVecs registers the HTTP metrics on reg. The registry is the
// server's own and new: registering fails only if metric names clash,
// which is a programming error.
func newHTTPVecs(reg prometheus.Registerer) *httpVecs {
	opts := func(name, help string, buckets []float64) prometheus.HistogramOpts {
		return prometheus.HistogramOpts{
			Namespace: telemetry.Namespace,
			Subsystem: "http",
			Name:      name,
			Help:      help,
			Buckets:   buckets,
		}
	}
	v := &httpVecs{
		count: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: telemetry.Namespace,
			Subsystem: "http",
			Name:      "requests_total",
			Help:      "How many HTTP requests processed, partitioned by status code and HTTP method.",
		}, httpLabels),
		duration:     prometheus.NewHistogramVec(opts("request_duration_seconds", "The HTTP request latencies in seconds.", prometheus.DefBuckets), httpLabels),
		requestSize:  prometheus.NewHistogramVec(opts("request_size_bytes", "The HTTP request sizes in bytes.", sizeBuckets), httpLabels),
		responseSize: prometheus.NewHistogramVec(opts("response_size_bytes", "The HTTP response sizes in bytes.", sizeBuckets), httpLabels),
	}
	reg.MustRegister(v.count, v.duration, v.requestSize, v.responseSize)
	return v
}

// bind looks up the series of one label combination.
func (v *httpVecs) bind(k seriesKey) *httpSeries {
	labels := []string{strconv.Itoa(k.code), k.method, "", k.route}
	return &httpSeries{
		count:        v.count.WithLabelValues(labels...),
		duration:     v.duration.WithLabelValues(labels...),
		requestSize:  v.requestSize.WithLabelValues(labels...),
		responseSize: v.responseSize.WithLabelValues(labels...),
	}
}

// knownMethod is method when it is one of HTTP's own, else "unknown": a
// caller may send any token as a method, and each would otherwise add
// series for as long as the server runs.
func knownMethod(method string) string {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodConnect, http.MethodOptions, http.MethodTrace:
		return method
	}
	return "unknown"
}

// approximateRequestSize is the request's size as echoprometheus counts
// it: path, method, protocol, headers, host and declared body length.
func approximateRequestSize(r *http.Request) int {
	n := len(r.URL.Path) + len(r.Method) + len(r.Proto) + len(r.Host)
	for name, values := range r.Header {
		n += len(name)
		for _, v := range values {
			n += len(v)
		}
	}
	if r.ContentLength > 0 {
		n += int(r.ContentLength)
	}
	return n
}
