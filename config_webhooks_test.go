package hookflow

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestWebhookVariables(t *testing.T) {
	t.Parallel()
	env := map[string]string{
		"WEBHOOKS_TIMEOUT": "5s", "WEBHOOKS_RETRY_SCHEDULE": "1s, 1m,1h", "WEBHOOKS_CONCURRENCY": "3",
		"WEBHOOKS_MAX_IN_FLIGHT": "50", "WEBHOOKS_DISABLE_AFTER": "72h", "WEBHOOKS_LOG_RETENTION": "168h",
	}
	c, err := ConfigFromEnv(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	w := c.Webhooks
	if w.Timeout != 5*time.Second || w.Concurrency != 3 || w.MaxInFlight != 50 || w.DisableAfter != 72*time.Hour ||
		w.Retention != 168*time.Hour || !reflect.DeepEqual(w.Schedule, []time.Duration{time.Second, time.Minute, time.Hour}) {
		t.Fatalf("webhooks config %+v", w)
	}
	env = map[string]string{"WEBHOOKS_RETRY_SCHEDULE": "none"}
	if c, err := ConfigFromEnv(func(k string) string { return env[k] }); err != nil || c.Webhooks.Schedule == nil || len(c.Webhooks.Schedule) != 0 {
		t.Fatalf("none: %+v %v", c.Webhooks.Schedule, err)
	}
	env = map[string]string{"WEBHOOKS_RETRY_SCHEDULE": "5s,soon", "WEBHOOKS_CONCURRENCY": "0", "WEBHOOKS_TIMEOUT": "x"}
	_, err = ConfigFromEnv(func(k string) string { return env[k] })
	for _, name := range []string{"WEBHOOKS_RETRY_SCHEDULE", "WEBHOOKS_CONCURRENCY", "WEBHOOKS_TIMEOUT"} {
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("no error for %s: %v", name, err)
		}
	}
	if c, _ := ConfigFromEnv(func(string) string { return "" }); c.Webhooks.Schedule != nil || c.Webhooks.Timeout != 0 {
		t.Fatalf("defaults are left to the webhooks package: %+v", c.Webhooks)
	}
}
