package envconfig

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/hookflow/hookflow"
)

// minMetricsTokenLength is the shortest token METRICS_TOKENS takes: a
// token that can be guessed opens the server's figures to anyone.
const minMetricsTokenLength = 16

// telemetryFromEnv reads METRICS_ENABLED, METRICS_TOKENS and
// OTEL_EXPORTER_OTLP_ENDPOINT.
func telemetryFromEnv(getenv func(string) string, c *hookflow.Config, fail func(string, error)) {
	c.OTLPEndpoint = strings.TrimSpace(getenv("OTEL_EXPORTER_OTLP_ENDPOINT"))
	if c.OTLPEndpoint != "" {
		if u, err := url.Parse(c.OTLPEndpoint); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			fail("OTEL_EXPORTER_OTLP_ENDPOINT", fmt.Errorf("not an http(s) URL of a collector (\"http://collector:4318\"): %q", c.OTLPEndpoint))
		}
	}
	if v := getenv("METRICS_ENABLED"); v != "" {
		on, err := strconv.ParseBool(v)
		if err != nil {
			fail("METRICS_ENABLED", fmt.Errorf("not true or false: %q", v))
		}
		c.MetricsDisabled = !on
	}
	for t := range strings.SplitSeq(getenv("METRICS_TOKENS"), ",") {
		t = strings.TrimSpace(t)
		switch {
		case t == "":
		case len(t) < minMetricsTokenLength:
			fail("METRICS_TOKENS", fmt.Errorf("a token has %d characters; give each at least %d", len(t), minMetricsTokenLength))
		default:
			c.MetricsTokens = append(c.MetricsTokens, t)
		}
	}
}
