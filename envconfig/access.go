package envconfig

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/hookflow/hookflow"
	"github.com/hookflow/hookflow/flows"
	"github.com/hookflow/hookflow/outbound"
	"github.com/hookflow/hookflow/storage"
)

// accessFromEnv reads the variables of access, rate limits, caching and
// run logs.
func accessFromEnv(getenv func(string) string, c *hookflow.Config, fail func(string, error)) {
	proxies, err := outbound.ParsePrefixes(getenv("TRUSTED_PROXIES"))
	if err != nil {
		fail("TRUSTED_PROXIES", err)
	}
	c.TrustedProxies = proxies
	if v := getenv("RATE_LIMITER_ENABLED"); v != "" {
		on, err := strconv.ParseBool(v)
		if err != nil {
			fail("RATE_LIMITER_ENABLED", fmt.Errorf("not true or false: %q", v))
		}
		c.RateLimiter.Enabled = on
	}
	intVar(getenv, "RATE_LIMITER_POINTS", &c.RateLimiter.Points, fail)
	if v := getenv("RATE_LIMITER_DURATION"); v != "" {
		// A bare number is seconds, as in Directus.
		if n, err := strconv.Atoi(v); err == nil && n > 0 {
			c.RateLimiter.Duration = time.Duration(n) * time.Second
		} else if d, err := flows.ParseDuration(v); err == nil {
			c.RateLimiter.Duration = d
		} else {
			fail("RATE_LIMITER_DURATION", fmt.Errorf("not a number of seconds or a duration (\"1m\"): %q", v))
		}
	}
	durationVar(getenv, "CACHE_TTL", &c.CacheTTL, fail)
	sizeVar(getenv, "CACHE_MAX_SIZE", &c.CacheMaxSize, fail)
	if v := getenv("FLOWS_RUN_RETENTION"); v != "" {
		r, err := parseRetention(v)
		if err != nil {
			fail("FLOWS_RUN_RETENTION", err)
		}
		c.RunRetention = &r
	}
	sizeVar(getenv, "FLOWS_RUN_MAX_VALUE_SIZE", &c.RunMaxValueSize, fail)
	sizeVar(getenv, "FLOWS_RUN_MAX_RECORD_SIZE", &c.RunMaxRecordSize, fail)
}

// parseRetention reads FLOWS_RUN_RETENTION: an age ("7d", "12h"), a count
// of runs per flow ("10000"), or both ("30d,500"). A limit that is not
// given keeps its default; "0" (count) or "0d" (age) turns one off; "off"
// keeps every run.
func parseRetention(v string) (storage.RunRetention, error) {
	r := hookflow.DefaultRunRetention()
	if strings.EqualFold(strings.TrimSpace(v), "off") {
		return storage.RunRetention{}, nil
	}
	for part := range strings.SplitSeq(v, ",") {
		part = strings.TrimSpace(part)
		if n, err := strconv.Atoi(part); err == nil && n >= 0 {
			r.MaxPerFlow = n
			continue
		}
		if isZeroAge(part) {
			r.MaxAge = 0
			continue
		}
		d, err := flows.ParseDuration(part)
		if err != nil {
			return r, fmt.Errorf("%q: give an age (\"7d\"), a number of runs per flow (\"10000\"), both (\"7d,10000\") or \"off\"", v)
		}
		r.MaxAge = d
	}
	return r, nil
}

// isZeroAge reports whether an age is zero ("0d", "0h", "0s"): no age
// limit.
func isZeroAge(s string) bool {
	n := strings.TrimRight(s, "smhdw")
	return n != s && n != "" && strings.Trim(n, "0") == ""
}
