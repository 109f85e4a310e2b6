package flows

import (
	"reflect"
	"testing"
	"time"
)

func TestWebhookRateLimitAndCacheOptions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		options string
		paths   []string // findings expected; nil means valid
		limit   *RateLimit
		ttl     time.Duration
	}{
		{
			"rate limit with defaults", `{"rate_limit": {"points": 100, "duration": "1h"}}`, nil,
			&RateLimit{Points: 100, Duration: time.Hour, By: RateLimitByIP}, 0,
		},
		{
			"rate limit by token over days", `{"rate_limit": {"points": 5, "duration": "2d", "by": "token"}}`, nil,
			&RateLimit{Points: 5, Duration: 48 * time.Hour, By: RateLimitByToken}, 0,
		},
		{
			"rate limit by flow", `{"rate_limit": {"points": 1, "duration": "1s", "by": "flow"}}`, nil,
			&RateLimit{Points: 1, Duration: time.Second, By: RateLimitByFlow}, 0,
		},
		{"null rate limit is none", `{"rate_limit": null}`, nil, nil, 0},
		{"rate limit must be an object", `{"rate_limit": 100}`, []string{"options.rate_limit"}, nil, 0},
		{
			"every rate limit finding at once",
			`{"rate_limit": {"points": 0, "duration": "soon", "by": "user", "burst": 3}}`,
			[]string{"options.rate_limit.burst", "options.rate_limit.points", "options.rate_limit.duration", "options.rate_limit.by"},
			nil, 0,
		},
		{"fractional points", `{"rate_limit": {"points": 1.5, "duration": "1m"}}`, []string{"options.rate_limit.points"}, nil, 0},
		{"points as text", `{"rate_limit": {"points": "10", "duration": "1m"}}`, []string{"options.rate_limit.points"}, nil, 0},
		{"missing duration", `{"rate_limit": {"points": 10}}`, []string{"options.rate_limit.duration"}, nil, 0},
		{"negative duration", `{"rate_limit": {"points": 10, "duration": "-1m"}}`, []string{"options.rate_limit.duration"}, nil, 0},
		{"cache TTL", `{"method": "GET", "cacheEnabled": true, "cacheTTL": "30s"}`, nil, nil, 30 * time.Second},
		{"cache TTL in days", `{"method": "GET", "cacheEnabled": true, "cacheTTL": "1d"}`, nil, nil, 24 * time.Hour},
		{"cache TTL as a number", `{"method": "GET", "cacheEnabled": true, "cacheTTL": 300}`, []string{"options.cacheTTL"}, nil, 0},
		{"cache TTL unparsable", `{"method": "GET", "cacheEnabled": true, "cacheTTL": "5 minutes"}`, []string{"options.cacheTTL"}, nil, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f, errs := decodeJSON(t, `{"options": `+tc.options+`, "operations": [{"operation": "log"}]}`)
			var paths []string
			for _, e := range errs {
				paths = append(paths, e.Path)
			}
			if !reflect.DeepEqual(paths, tc.paths) {
				t.Fatalf("findings %v, want %v (%v)", paths, tc.paths, errs)
			}
			if tc.paths != nil {
				return
			}
			if !reflect.DeepEqual(f.Webhook.RateLimit, tc.limit) {
				t.Fatalf("rate limit %+v, want %+v", f.Webhook.RateLimit, tc.limit)
			}
			if f.Webhook.CacheTTL != tc.ttl {
				t.Fatalf("cache TTL %v, want %v", f.Webhook.CacheTTL, tc.ttl)
			}
		})
	}
}

func TestParseDuration(t *testing.T) {
	t.Parallel()
	good := map[string]time.Duration{
		"30s": 30 * time.Second, "5m": 5 * time.Minute, "1h30m": 90 * time.Minute,
		"7d": 7 * 24 * time.Hour, "2w": 14 * 24 * time.Hour, " 1d ": 24 * time.Hour, //nolint:gocritic // spaces around a duration are read too
	}
	for in, want := range good {
		if got, err := ParseDuration(in); err != nil || got != want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "0s", "-5m", "1.5d", "d", "0d", "soon", "10", "99999999d"} {
		if _, err := ParseDuration(bad); err == nil {
			t.Errorf("ParseDuration(%q) must fail", bad)
		}
	}
}
