package tests

import (
	"net/netip"
	"testing"
	"time"

	"github.com/hookflow/hookflow"
	"github.com/hookflow/hookflow/hookflowtest"
)

// expectLimit checks a response's status and rate-limit headers; an empty
// want skips that header, "-" means it must be absent.
func expectLimit(t *testing.T, r *hookflowtest.Response, status int, limit, remaining, reset, retryAfter string) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d: %s", r.Status, status, r.Body)
	}
	for name, want := range map[string]string{
		"X-RateLimit-Limit": limit, "X-RateLimit-Remaining": remaining,
		"X-RateLimit-Reset": reset, "Retry-After": retryAfter,
	} {
		got := r.Header.Get(name)
		switch {
		case want == "":
		case want == "-" && got != "":
			t.Fatalf("%s = %q, want none", name, got)
		case want != "-" && got != want:
			t.Fatalf("%s = %q, want %q (%v)", name, got, want, r.Header)
		}
	}
	if status == 429 {
		if code := r.ErrorCode(t); code != "REQUESTS_EXCEEDED" {
			t.Fatalf("code %s", code)
		}
	}
}

// limitedServer starts a server with a fake clock and the server-wide
// limit of points per duration.
func limitedServer(t *testing.T, points int, per time.Duration, options ...func(*hookflow.Config)) (*hookflowtest.Clock, *hookflowtest.Server) {
	t.Helper()
	clock := hookflowtest.NewClock(time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC))
	srv := hookflowtest.New(t, append([]func(*hookflow.Config){func(c *hookflow.Config) {
		c.Now = clock.Now
		c.RateLimiter = hookflow.RateLimiterConfig{Enabled: true, Points: points, Duration: per}
	}}, options...)...)
	return clock, srv
}

func TestGlobalRateLimit(t *testing.T) {
	t.Parallel()
	clock, srv := limitedServer(t, 3, time.Minute, func(c *hookflow.Config) {
		c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
	})
	ping := func(headers ...string) *hookflowtest.Response {
		return srv.Do(t, "GET", "/server/ping", nil, headers...)
	}
	expectLimit(t, ping(), 200, "3", "2", "20", "-")
	expectLimit(t, ping(), 200, "3", "1", "40", "-")
	expectLimit(t, ping(), 200, "3", "0", "60", "-")
	expectLimit(t, ping(), 429, "3", "0", "60", "20")
	// Every route counts, errors included.
	expectLimit(t, srv.Do(t, "GET", "/flows", nil), 429, "3", "0", "", "20")
	// Another client address (through the trusted proxy) has its own bucket.
	expectLimit(t, ping("X-Forwarded-For", "203.0.113.9"), 200, "3", "2", "", "-")
	clock.Advance(20 * time.Second)
	expectLimit(t, ping(), 200, "3", "0", "60", "-")
	clock.Advance(time.Hour)
	expectLimit(t, ping(), 200, "3", "2", "20", "-")
}

func TestFlowRateLimits(t *testing.T) {
	t.Parallel()
	clock, srv := limitedServer(t, 1000, time.Second, func(c *hookflow.Config) {
		c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
	})
	byIP := flow(t, srv, `{"access": "public", "rate_limit": {"points": 2, "duration": "1h"}}`,
		`[{"operation": "throw-error", "options": {"status": 418, "code": "TEAPOT"}}]`)
	byToken := flow(t, srv, `{"access": "public", "rate_limit": {"points": 1, "duration": "1m", "by": "token"}}`, `[{"operation": "log"}]`)
	byFlow := flow(t, srv, `{"rate_limit": {"points": 1, "duration": "1m", "by": "flow"}}`, `[{"operation": "log"}]`)
	srv.CreateRole(t, "caller", map[string]any{"collection": "flows", "action": "trigger"})
	_, one := srv.CreateUser(t, "caller")
	_, two := srv.CreateUser(t, "caller")

	// By client address: the flow's headers replace the server's, on
	// failed runs too.
	expectLimit(t, srv.Do(t, "POST", byIP, `{}`), 418, "2", "1", "1800", "-")
	expectLimit(t, srv.Do(t, "POST", byIP, `{}`, "Authorization", "Bearer "+one), 418, "2", "0", "3600", "-")
	expectLimit(t, srv.Do(t, "POST", byIP, `{}`), 429, "2", "0", "3600", "1800")
	clock.Advance(30 * time.Minute)
	expectLimit(t, srv.Do(t, "POST", byIP, `{}`), 418, "2", "0", "", "-")

	// By token: each user of a verified token; everyone else by client
	// address, whatever credential they make up (a new one per call
	// escapes nothing).
	for _, auth := range []string{"Bearer " + one, "Bearer " + two, "Bearer sender-a"} {
		expectLimit(t, srv.Do(t, "POST", byToken, `{}`, "Authorization", auth), 200, "1", "0", "60", "-")
	}
	expectLimit(t, srv.Do(t, "POST", byToken, `{}`, "Authorization", "Bearer "+one), 429, "1", "0", "60", "60")
	for _, auth := range []string{"Bearer sender-a", "Bearer sender-b", "Basic c2VuZGVyOmM=", ""} {
		expectLimit(t, srv.Do(t, "POST", byToken+"?access_token=made-up", `{}`, "Authorization", auth), 429, "1", "", "", "60")
	}
	expectLimit(t, srv.Do(t, "POST", byToken, `{}`, "Authorization", "Bearer sender-c", "X-Forwarded-For", "203.0.113.9"), 200, "1", "0", "60", "-")

	// By flow: every caller shares one bucket. Callers that may not
	// trigger the flow are refused before they count.
	expectLimit(t, srv.Do(t, "POST", byFlow, `{}`, "Authorization", ""), 401, "1000", "", "", "-")
	expectLimit(t, srv.Do(t, "POST", byFlow, `{}`, "Authorization", "Bearer "+one), 200, "1", "0", "60", "-")
	expectLimit(t, srv.Do(t, "POST", byFlow, `{}`), 429, "1", "0", "60", "60")
	clock.Advance(time.Minute)
	expectLimit(t, srv.Do(t, "POST", byFlow, `{}`), 200, "1", "0", "60", "-")

	// A saved flow with a new limit starts a new bucket.
	id := byFlow[len("/flows/trigger/"):]
	check(t, srv.Do(t, "PATCH", "/flows/"+id, `{"options": {"rate_limit": {"points": 5, "duration": "1m", "by": "flow"}}}`), 200, "")
	expectLimit(t, srv.Do(t, "POST", byFlow, `{}`), 200, "5", "4", "12", "-")
}

func TestRateLimitOptionsAreChecked(t *testing.T) {
	t.Parallel()
	srv := hookflowtest.New(t)
	r := srv.Do(t, "POST", "/flows", `{"options": {"rate_limit": {"points": 0, "duration": "often", "by": "moon"}, "cacheTTL": 5},
		"operations": [{"operation": "log"}]}`)
	check(t, r, 400, `{"errors": [
		{"message": "<any>", "extensions": {"code": "INVALID_PAYLOAD", "path": "options.cacheTTL"}},
		{"message": "<any>", "extensions": {"code": "INVALID_PAYLOAD", "path": "options.rate_limit.points"}},
		{"message": "<any>", "extensions": {"code": "INVALID_PAYLOAD", "path": "options.rate_limit.duration"}},
		{"message": "<any>", "extensions": {"code": "INVALID_PAYLOAD", "path": "options.rate_limit.by"}}]}`)
}

func TestClientAddressFromTrustedProxiesOnly(t *testing.T) {
	t.Parallel()
	ipOf := func(srv *hookflowtest.Server, xff string) any {
		url := flow(t, srv, `{"access": "public", "return": "$accountability.ip"}`, `[{"operation": "log"}]`)
		return srv.Do(t, "POST", url, `{}`, "X-Forwarded-For", xff).Data(t)
	}
	direct := hookflowtest.New(t)
	if ip := ipOf(direct, "203.0.113.9"); ip != "127.0.0.1" {
		t.Fatalf("without trusted proxies the header is ignored: %v", ip)
	}
	proxied := hookflowtest.New(t, func(c *hookflow.Config) {
		c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32"), netip.MustParsePrefix("10.0.0.0/8")}
	})
	for xff, want := range map[string]string{
		"203.0.113.9":                         "203.0.113.9",
		"198.51.100.1, 203.0.113.9":           "203.0.113.9", // the client's own claim is not believed
		"198.51.100.1, 203.0.113.9, 10.1.2.3": "203.0.113.9", // a trusted hop is skipped
		"":                                    "127.0.0.1",
	} {
		if ip := ipOf(proxied, xff); ip != want {
			t.Errorf("X-Forwarded-For %q: ip %v, want %s", xff, ip, want)
		}
	}
}
