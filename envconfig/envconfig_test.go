package envconfig

import (
	"net/netip"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/hookflow/hookflow"
	"github.com/hookflow/hookflow/storage"
)

func TestRead(t *testing.T) {
	t.Parallel()
	env := map[string]string{
		"PORT": "9000", "DB_FILENAME": "/tmp/x.db", "FLOWS_ENV_ALLOW_LIST": "A, B,,C", "FLOWS_MAX_STEPS": "50",
		"FLOWS_SYNC_TIMEOUT": "2s", "FLOWS_RUN_TIMEOUT": "1500", "MAX_PAYLOAD_SIZE": "2mb", "LOG_FORMAT": "json",
		"FLOWS_TRIGGER_MAX_ITEMS": "20", "FLOWS_TRIGGER_MAX_RUNS": "300", "FLOWS_MAX_RENDER_SIZE": "512kb",
	}
	c, err := Read(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if c.Port != 9000 || c.DBFilename != "/tmp/x.db" || strings.Join(c.EnvAllowList, ",") != "A,B,C" || c.MaxSteps != 50 ||
		c.SyncTimeout != 2*time.Second || c.RunTimeout != 1500*time.Millisecond || c.MaxPayloadSize != 2<<20 ||
		c.TriggerMaxItems != 20 || c.TriggerMaxRuns != 300 || c.MaxRenderSize != 512<<10 {
		t.Fatalf("%+v", c)
	}
	d := (hookflow.Config{}).WithDefaults()
	if d.Port != 8055 || d.DBFilename != "./data/hookflow.db" || d.MaxSteps != 1000 || d.SyncTimeout != 30*time.Second || d.MaxPayloadSize != 1<<20 ||
		d.TriggerMaxItems != 1000 || d.TriggerMaxRuns != 10000 || d.MaxRenderSize != 16<<20 {
		t.Fatalf("defaults: %+v", d)
	}
}

func TestConfigErrorsNameEveryVariable(t *testing.T) {
	t.Parallel()
	env := map[string]string{"PORT": "x", "FLOWS_MAX_STEPS": "-1", "MAX_PAYLOAD_SIZE": "lots", "FLOWS_MAX_RENDER_SIZE": "big", "DB_CLIENT": "oracle", "LOG_LEVEL": "chatty"}
	_, err := Read(func(k string) string { return env[k] })
	if err == nil {
		t.Fatal("invalid configuration accepted")
	}
	for name := range env {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("error does not name %s: %v", name, err)
		}
	}
}

func TestAccessFromEnv(t *testing.T) {
	t.Parallel()
	env := map[string]string{
		"TRUSTED_PROXIES": "10.0.0.0/8, 127.0.0.1", "RATE_LIMITER_ENABLED": "true", "RATE_LIMITER_POINTS": "100",
		"RATE_LIMITER_DURATION": "60", "CACHE_TTL": "1d", "CACHE_MAX_SIZE": "8mb", "FLOWS_RUN_RETENTION": "30d, 500",
		"FLOWS_RUN_MAX_VALUE_SIZE": "4kb", "FLOWS_RUN_MAX_RECORD_SIZE": "1mb",
	}
	c, err := Read(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	want := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("127.0.0.1/32")}
	if !reflect.DeepEqual(c.TrustedProxies, want) ||
		c.RateLimiter != (hookflow.RateLimiterConfig{Enabled: true, Points: 100, Duration: time.Minute}) ||
		c.CacheTTL != 24*time.Hour || c.CacheMaxSize != 8<<20 ||
		!sameRetention(*c.RunRetention, storage.RunRetention{MaxAge: 30 * 24 * time.Hour, MaxPerFlow: 500}) ||
		c.RunMaxValueSize != 4<<10 || c.RunMaxRecordSize != 1<<20 {
		t.Fatalf("%+v", c)
	}
	d := (hookflow.Config{}).WithDefaults()
	if d.RateLimiter != (hookflow.RateLimiterConfig{Points: 50, Duration: time.Second}) || d.CacheTTL != 5*time.Minute ||
		!sameRetention(*d.RunRetention, hookflow.DefaultRunRetention()) || d.RunMaxValueSize != 8<<10 || d.RunMaxRecordSize != 512<<10 || d.Now == nil {
		t.Fatalf("defaults: %+v", d)
	}
}

func TestRunRetentionSetting(t *testing.T) {
	t.Parallel()
	day := 24 * time.Hour
	tests := map[string]storage.RunRetention{
		"7d,10000":   {MaxAge: 7 * day, MaxPerFlow: 10000},
		"30d":        {MaxAge: 30 * day, MaxPerFlow: 10000},
		"500":        {MaxAge: 7 * day, MaxPerFlow: 500},
		"12h, 0":     {MaxAge: 12 * time.Hour},
		"0d,100":     {MaxPerFlow: 100},
		"2w":         {MaxAge: 14 * day, MaxPerFlow: 10000},
		"off":        {},
		" OFF ":      {},
		"1000, 1d  ": {MaxAge: day, MaxPerFlow: 1000},
	}
	for in, want := range tests {
		got, err := parseRetention(in)
		if err != nil || !sameRetention(got, want) {
			t.Errorf("%q: %+v %v, want %+v", in, got, err, want)
		}
	}
	for _, bad := range []string{"forever", "7 days", "-5", "1d,soon"} {
		if _, err := parseRetention(bad); err == nil {
			t.Errorf("%q must be refused", bad)
		}
	}
}

func TestAccessConfigErrorsNameTheirVariable(t *testing.T) {
	t.Parallel()
	env := map[string]string{
		"TRUSTED_PROXIES": "somewhere", "RATE_LIMITER_ENABLED": "maybe", "RATE_LIMITER_POINTS": "0",
		"RATE_LIMITER_DURATION": "often", "CACHE_TTL": "-1m", "FLOWS_RUN_RETENTION": "forever", "FLOWS_RUN_MAX_VALUE_SIZE": "big",
	}
	_, err := Read(func(k string) string { return env[k] })
	for name := range env {
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("error does not name %s: %v", name, err)
		}
	}
}

// sameRetention compares the limits of two retention settings.
func sameRetention(a, b storage.RunRetention) bool {
	return a.MaxAge == b.MaxAge && a.MaxPerFlow == b.MaxPerFlow && a.Interval == b.Interval
}

func envFunc(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func TestReadOutbound(t *testing.T) {
	t.Parallel()
	c, err := Read(envFunc(map[string]string{
		"OUTBOUND_ALLOW_CIDRS":      "127.0.0.0/8, 10.1.2.3",
		"OUTBOUND_ALLOW_PORTS":      "8080,8443",
		"REQUEST_MAX_RESPONSE_SIZE": "2mb",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Outbound.Allow) != 2 || c.Outbound.Allow[1].String() != "10.1.2.3/32" ||
		len(c.Outbound.AllowPorts) != 2 || c.Outbound.AnyPort || c.RequestMaxResponseSize != 2<<20 {
		t.Fatalf("got %+v, max response %d", c.Outbound, c.RequestMaxResponseSize)
	}
	c, err = Read(envFunc(map[string]string{"OUTBOUND_ALLOW_PORTS": "*"}))
	if err != nil || !c.Outbound.AnyPort {
		t.Fatalf("*: %+v %v", c.Outbound, err)
	}
	for name, value := range map[string]string{
		"OUTBOUND_ALLOW_CIDRS": "intranet", "OUTBOUND_ALLOW_PORTS": "http", "REQUEST_MAX_RESPONSE_SIZE": "lots",
	} {
		if _, err := Read(envFunc(map[string]string{name: value})); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s=%s: got %v", name, value, err)
		}
	}
}

func TestWebhookVariables(t *testing.T) {
	t.Parallel()
	env := map[string]string{
		"WEBHOOKS_TIMEOUT": "5s", "WEBHOOKS_RETRY_SCHEDULE": "1s, 1m,1h", "WEBHOOKS_CONCURRENCY": "3",
		"WEBHOOKS_MAX_IN_FLIGHT": "50", "WEBHOOKS_DISABLE_AFTER": "72h", "WEBHOOKS_LOG_RETENTION": "168h",
	}
	c, err := Read(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	w := c.Webhooks
	if w.Timeout != 5*time.Second || w.Concurrency != 3 || w.MaxInFlight != 50 || w.DisableAfter != 72*time.Hour ||
		w.Retention != 168*time.Hour || !reflect.DeepEqual(w.Schedule, []time.Duration{time.Second, time.Minute, time.Hour}) {
		t.Fatalf("webhooks config %+v", w)
	}
	env = map[string]string{"WEBHOOKS_RETRY_SCHEDULE": "none"}
	if c, err := Read(func(k string) string { return env[k] }); err != nil || c.Webhooks.Schedule == nil || len(c.Webhooks.Schedule) != 0 {
		t.Fatalf("none: %+v %v", c.Webhooks.Schedule, err)
	}
	env = map[string]string{"WEBHOOKS_RETRY_SCHEDULE": "5s,soon", "WEBHOOKS_CONCURRENCY": "0", "WEBHOOKS_TIMEOUT": "x"}
	_, err = Read(func(k string) string { return env[k] })
	for _, name := range []string{"WEBHOOKS_RETRY_SCHEDULE", "WEBHOOKS_CONCURRENCY", "WEBHOOKS_TIMEOUT"} {
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("no error for %s: %v", name, err)
		}
	}
	if c, _ := Read(func(string) string { return "" }); c.Webhooks.Schedule != nil || c.Webhooks.Timeout != 0 {
		t.Fatalf("defaults are left to the webhooks package: %+v", c.Webhooks)
	}
}

func TestQueueLimitFromEnv(t *testing.T) {
	t.Parallel()
	c, err := Read(func(k string) string { return map[string]string{"FLOWS_QUEUE_LIMIT": "250"}[k] })
	if err != nil || c.QueueLimit != 250 {
		t.Fatalf("FLOWS_QUEUE_LIMIT=250: %d, %v", c.QueueLimit, err)
	}
	if d := (hookflow.Config{}).WithDefaults(); d.QueueLimit != 10000 {
		t.Fatalf("default queue limit %d", d.QueueLimit)
	}
	if _, err := Read(func(k string) string { return map[string]string{"FLOWS_QUEUE_LIMIT": "0"}[k] }); err == nil ||
		!strings.Contains(err.Error(), "FLOWS_QUEUE_LIMIT") {
		t.Fatalf("FLOWS_QUEUE_LIMIT=0 should be refused: %v", err)
	}
}
