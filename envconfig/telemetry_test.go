package envconfig

import (
	"strings"
	"testing"

	"github.com/hookflow/hookflow"
)

func TestTelemetryFromEnv(t *testing.T) {
	t.Parallel()
	read := func(env map[string]string) (hookflow.Config, error) {
		return Read(func(k string) string { return env[k] })
	}
	c, err := read(map[string]string{
		"METRICS_ENABLED":             "false",
		"METRICS_TOKENS":              " scraper-token-0123456789 ,, other-token-abcdefghij ",
		"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318",
	})
	if err != nil {
		t.Fatal(err)
	}
	if !c.MetricsDisabled || strings.Join(c.MetricsTokens, "|") != "scraper-token-0123456789|other-token-abcdefghij" ||
		c.OTLPEndpoint != "http://collector:4318" {
		t.Fatalf("%+v", c)
	}
	if c, _ := read(map[string]string{}); c.MetricsDisabled || c.OTLPEndpoint != "" {
		t.Fatalf("defaults: metrics off %v, endpoint %q", c.MetricsDisabled, c.OTLPEndpoint)
	}
	_, err = read(map[string]string{"METRICS_ENABLED": "maybe", "METRICS_TOKENS": "short", "OTEL_EXPORTER_OTLP_ENDPOINT": "collector:4318"})
	for _, name := range []string{"METRICS_ENABLED", "METRICS_TOKENS", "OTEL_EXPORTER_OTLP_ENDPOINT"} {
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("the error does not name %s: %v", name, err)
		}
	}
}
