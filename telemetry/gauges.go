package telemetry

import (
	"context"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// scrapeTimeout bounds the database reads of one scrape.
const scrapeTimeout = 5 * time.Second

// Gauges read values from the database when metrics are scraped, so that
// they hold across instances sharing it and cost nothing between scrapes.
// A nil function leaves its gauge out.
type Gauges struct {
	// QueueRuns counts the async runs queued and running.
	QueueRuns func(ctx context.Context) (queued, running int64, err error)
	// PendingDeliveries counts the outgoing webhook deliveries waiting for
	// an attempt.
	PendingDeliveries func(ctx context.Context) (int64, error)
	// Logger receives the errors of those reads (the scrape then leaves the
	// gauge out rather than report a wrong value).
	Logger *slog.Logger
}

// gaugeCollector is the prometheus.Collector of Gauges.
type gaugeCollector struct {
	g       Gauges
	queue   *prometheus.Desc
	pending *prometheus.Desc
}

func newGaugeCollector(g Gauges) *gaugeCollector {
	if g.Logger == nil {
		g.Logger = slog.New(slog.DiscardHandler)
	}
	return &gaugeCollector{
		g: g,
		queue: prometheus.NewDesc(Namespace+"_queue_runs",
			"Async runs in the queue by state: queued (waiting for a worker) or running.", []string{"state"}, nil),
		pending: prometheus.NewDesc(Namespace+"_deliveries_pending",
			"Outgoing webhook deliveries waiting for their next attempt.", nil, nil),
	}
}

// Describe sends the gauges' descriptions.
func (c *gaugeCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.queue
	ch <- c.pending
}

// Collect reads the gauges from the database.
func (c *gaugeCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), scrapeTimeout)
	defer cancel()
	if c.g.QueueRuns != nil {
		queued, running, err := c.g.QueueRuns(ctx)
		if err != nil {
			c.g.Logger.Error("metrics: counting queued runs failed", "error", err)
		} else {
			ch <- prometheus.MustNewConstMetric(c.queue, prometheus.GaugeValue, float64(queued), "queued")
			ch <- prometheus.MustNewConstMetric(c.queue, prometheus.GaugeValue, float64(running), "running")
		}
	}
	if c.g.PendingDeliveries != nil {
		n, err := c.g.PendingDeliveries(ctx)
		if err != nil {
			c.g.Logger.Error("metrics: counting pending deliveries failed", "error", err)
		} else {
			ch <- prometheus.MustNewConstMetric(c.pending, prometheus.GaugeValue, float64(n))
		}
	}
}
