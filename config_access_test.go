package hookflow

import (
	"net/netip"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/hookflow/hookflow/storage"
)

func TestAccessConfigFromEnv(t *testing.T) {
	t.Parallel()
	env := map[string]string{
		"TRUSTED_PROXIES": "10.0.0.0/8, 127.0.0.1", "RATE_LIMITER_ENABLED": "true", "RATE_LIMITER_POINTS": "100",
		"RATE_LIMITER_DURATION": "60", "CACHE_TTL": "1d", "CACHE_MAX_SIZE": "8mb", "FLOWS_RUN_RETENTION": "30d, 500",
		"FLOWS_RUN_MAX_VALUE_SIZE": "4kb", "FLOWS_RUN_MAX_RECORD_SIZE": "1mb",
	}
	c, err := ConfigFromEnv(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	want := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("127.0.0.1/32")}
	if !reflect.DeepEqual(c.TrustedProxies, want) ||
		c.RateLimiter != (RateLimiterConfig{Enabled: true, Points: 100, Duration: time.Minute}) ||
		c.CacheTTL != 24*time.Hour || c.CacheMaxSize != 8<<20 ||
		!sameRetention(*c.RunRetention, storage.RunRetention{MaxAge: 30 * 24 * time.Hour, MaxPerFlow: 500}) ||
		c.RunMaxValueSize != 4<<10 || c.RunMaxRecordSize != 1<<20 {
		t.Fatalf("%+v", c)
	}
	d := (Config{}).withDefaults()
	if d.RateLimiter != (RateLimiterConfig{Points: 50, Duration: time.Second}) || d.CacheTTL != 5*time.Minute ||
		!sameRetention(*d.RunRetention, DefaultRunRetention()) || d.RunMaxValueSize != 8<<10 || d.RunMaxRecordSize != 512<<10 || d.Now == nil {
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
	env := map[string]string{"TRUSTED_PROXIES": "somewhere", "RATE_LIMITER_ENABLED": "maybe", "RATE_LIMITER_POINTS": "0",
		"RATE_LIMITER_DURATION": "often", "CACHE_TTL": "-1m", "FLOWS_RUN_RETENTION": "forever", "FLOWS_RUN_MAX_VALUE_SIZE": "big"}
	_, err := ConfigFromEnv(func(k string) string { return env[k] })
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
