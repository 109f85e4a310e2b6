// Package envconfig reads hookflow's configuration from environment
// variables, as the hookflow command does: Read gives the hookflow.Config
// that New takes, and Variables lists every variable with its default and
// meaning (the command's help and the README's table are written from it).
package envconfig

import (
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/hookflow/hookflow"
	"github.com/hookflow/hookflow/flows"
	"github.com/hookflow/hookflow/outbound"
	"github.com/hookflow/hookflow/webhooks"
)

// Read reads the configuration from environment variables (SPEC
// §10); getenv is os.Getenv in production.
func Read(getenv func(string) string) (hookflow.Config, error) {
	var c hookflow.Config
	var errs []string
	fail := func(name string, err error) { errs = append(errs, fmt.Sprintf("%s: %v", name, err)) }
	c.Host = getenv("HOST")
	if v := getenv("PORT"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 || n > 65535 {
			fail("PORT", fmt.Errorf("not a port number: %q", v))
		}
		c.Port = n
	}
	c.PublicURL = getenv("PUBLIC_URL")
	databaseVars(getenv, &c, fail)
	secretKeyVars(getenv, &c, fail)
	c.AdminToken = getenv("ADMIN_TOKEN")
	c.EnvAllowList = EnvAllowList(getenv)
	intVar(getenv, "FLOWS_MAX_STEPS", &c.MaxSteps, fail)
	intVar(getenv, "FLOWS_TRIGGER_MAX_ITEMS", &c.TriggerMaxItems, fail)
	intVar(getenv, "FLOWS_TRIGGER_MAX_RUNS", &c.TriggerMaxRuns, fail)
	intVar(getenv, "FLOWS_WORKERS", &c.Workers, fail)
	intVar(getenv, "FLOWS_QUEUE_LIMIT", &c.QueueLimit, fail)
	queueLeaseVar(getenv, &c, fail)
	durationVar(getenv, "FLOWS_SYNC_TIMEOUT", &c.SyncTimeout, fail)
	durationVar(getenv, "FLOWS_RUN_TIMEOUT", &c.RunTimeout, fail)
	httpFromEnv(getenv, &c, fail)
	intVar(getenv, "FLOWS_MAX_EVENT_DEPTH", &c.MaxEventDepth, fail)
	durationVar(getenv, "FLOWS_FILTER_TIMEOUT", &c.FilterTimeout, fail)
	sizeVar(getenv, "MAX_PAYLOAD_SIZE", &c.MaxPayloadSize, fail)
	sizeVar(getenv, "FLOWS_MAX_RENDER_SIZE", &c.MaxRenderSize, fail)
	sizeVar(getenv, "REQUEST_MAX_RESPONSE_SIZE", &c.RequestMaxResponseSize, fail)
	c.Outbound = outboundPolicy(getenv, fail)
	accessFromEnv(getenv, &c, fail)
	webhookVars(getenv, &c.Webhooks, fail)
	telemetryFromEnv(getenv, &c, fail)
	logger, err := newLogger(getenv("LOG_LEVEL"), getenv("LOG_FORMAT"))
	if err != nil {
		fail("LOG_LEVEL/LOG_FORMAT", err)
	}
	c.Logger = logger
	if len(errs) > 0 {
		return c, fmt.Errorf("invalid configuration: %s", strings.Join(errs, "; "))
	}
	return c, nil
}

// EnvAllowList reads FLOWS_ENV_ALLOW_LIST: the comma-separated names of
// the variables flows see as `$env`. `hookflow flows validate` reads it
// too, to warn as the server would.
func EnvAllowList(getenv func(string) string) []string {
	var names []string
	for _, name := range strings.Split(getenv("FLOWS_ENV_ALLOW_LIST"), ",") {
		if name = strings.TrimSpace(name); name != "" {
			names = append(names, name)
		}
	}
	return names
}

func intVar(getenv func(string) string, name string, dst *int, fail func(string, error)) {
	if v := getenv(name); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			fail(name, fmt.Errorf("not a positive integer: %q", v))
			return
		}
		*dst = n
	}
}

// durationVar reads "30s", "2m", "1d" or a bare number of milliseconds.
func durationVar(getenv func(string) string, name string, dst *time.Duration, fail func(string, error)) {
	v := getenv(name)
	if v == "" {
		return
	}
	if ms, err := strconv.Atoi(v); err == nil && ms > 0 {
		*dst = time.Duration(ms) * time.Millisecond
		return
	}
	d, err := flows.ParseDuration(v)
	if err != nil {
		fail(name, fmt.Errorf("not a duration (\"30s\", \"2m\", \"1d\" or milliseconds): %q", v))
		return
	}
	*dst = d
}

// sizeVar reads a byte size variable (see parseSize).
func sizeVar(getenv func(string) string, name string, dst *int64, fail func(string, error)) {
	if v := getenv(name); v != "" {
		n, err := parseSize(v)
		if err != nil {
			fail(name, err)
			return
		}
		*dst = n
	}
}

// outboundPolicy reads OUTBOUND_ALLOW_CIDRS and OUTBOUND_ALLOW_PORTS.
func outboundPolicy(getenv func(string) string, fail func(string, error)) outbound.Policy {
	var p outbound.Policy
	allow, err := outbound.ParsePrefixes(getenv("OUTBOUND_ALLOW_CIDRS"))
	if err != nil {
		fail("OUTBOUND_ALLOW_CIDRS", err)
	}
	p.Allow = allow
	ports, anyPort, err := outbound.ParsePorts(getenv("OUTBOUND_ALLOW_PORTS"))
	if err != nil {
		fail("OUTBOUND_ALLOW_PORTS", err)
	}
	p.AllowPorts, p.AnyPort = ports, anyPort
	return p
}

// webhookVars reads the WEBHOOKS_* variables.
func webhookVars(getenv func(string) string, w *webhooks.Config, fail func(string, error)) {
	durationVar(getenv, "WEBHOOKS_TIMEOUT", &w.Timeout, fail)
	durationVar(getenv, "WEBHOOKS_DISABLE_AFTER", &w.DisableAfter, fail)
	durationVar(getenv, "WEBHOOKS_LOG_RETENTION", &w.Retention, fail)
	intVar(getenv, "WEBHOOKS_CONCURRENCY", &w.Concurrency, fail)
	intVar(getenv, "WEBHOOKS_MAX_IN_FLIGHT", &w.MaxInFlight, fail)
	if v := strings.TrimSpace(getenv("WEBHOOKS_RETRY_SCHEDULE")); v != "" {
		schedule, err := parseSchedule(v)
		if err != nil {
			fail("WEBHOOKS_RETRY_SCHEDULE", err)
		}
		w.Schedule = schedule
	}
}

// parseSchedule reads a retry schedule: comma-separated delays ("5s,5m,
// 30m,2h"), or "none" for no retries.
func parseSchedule(v string) ([]time.Duration, error) {
	if strings.EqualFold(v, "none") {
		return []time.Duration{}, nil
	}
	var out []time.Duration
	for _, part := range strings.Split(v, ",") {
		d, err := time.ParseDuration(strings.TrimSpace(part))
		if err != nil || d < 0 {
			return nil, fmt.Errorf("not a list of delays (\"5s,5m,30m,2h\") or none: %q", v)
		}
		out = append(out, d)
	}
	return out, nil
}

// parseSize reads a byte size: "1048576", "512kb", "2mb", "1gb".
func parseSize(v string) (int64, error) {
	s := strings.ToLower(strings.TrimSpace(v))
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"gb", 1 << 30}, {"mb", 1 << 20}, {"kb", 1 << 10}, {"b", 1}} {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSpace(strings.TrimSuffix(s, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("not a size (\"1048576\", \"512kb\", \"2mb\"): %q", v)
	}
	return n * mult, nil
}

// newLogger builds the server logger from LOG_LEVEL and LOG_FORMAT.
func newLogger(level, format string) (*slog.Logger, error) {
	var lvl slog.Level
	if level != "" {
		if err := lvl.UnmarshalText([]byte(level)); err != nil {
			return slog.Default(), fmt.Errorf("LOG_LEVEL %q: use debug, info, warn or error", level)
		}
	}
	opts := &slog.HandlerOptions{Level: lvl}
	switch strings.ToLower(format) {
	case "", "text":
		return slog.New(slog.NewTextHandler(os.Stderr, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(os.Stderr, opts)), nil
	default:
		return slog.Default(), fmt.Errorf("LOG_FORMAT %q: use text or json", format)
	}
}
