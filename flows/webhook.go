package flows

import (
	"sort"
	"strings"
	"time"
)

// Webhook trigger access modes.
const (
	AccessPrivate = "private" // a valid token is needed (the default)
	AccessPublic  = "public"  // anyone may call the flow's URL
)

// WebhookOptions are the decoded trigger options of a webhook flow.
type WebhookOptions struct {
	// Method is the one HTTP method the flow answers (POST by default).
	Method string
	// Async answers 202 as soon as the run is durably queued.
	Async bool
	// Return says what the response carries; nil means "$last".
	Return any
	// CacheEnabled caches GET responses.
	CacheEnabled bool
	// ErrorOnReject answers 400 FLOW_REJECTED when a step rejected.
	ErrorOnReject bool
	// Access is AccessPrivate or AccessPublic.
	Access string
	// CacheTTL is how long a cached answer is served (`cacheTTL`); zero
	// means the server's CACHE_TTL.
	CacheTTL time.Duration
	// RateLimit bounds the calls of the flow (`rate_limit`); nil means
	// no limit of its own.
	RateLimit *RateLimit
}

// webhookMethods are the methods a webhook flow can listen on.
var webhookMethods = map[string]bool{"GET": true, "POST": true, "PUT": true, "PATCH": true, "DELETE": true}

// webhookOptionKeys are the trigger options a webhook flow may carry.
var webhookOptionKeys = map[string]bool{
	"method": true, "async": true, "return": true, "cacheEnabled": true, "cacheTTL": true,
	"error_on_reject": true, "access": true, "rate_limit": true,
}

// ParseWebhookOptions decodes and checks a webhook flow's trigger options;
// findings are relative to the options object.
func ParseWebhookOptions(opts map[string]any) (*WebhookOptions, ValidationErrors) {
	var errs ValidationErrors
	w := &WebhookOptions{Method: "POST", Access: AccessPrivate, Return: "$last"}
	for _, k := range sortedKeys(opts) {
		if !webhookOptionKeys[k] {
			errs.Add(k, "unknown webhook trigger option (known: method, async, return, cacheEnabled, cacheTTL, error_on_reject, access, rate_limit)")
		}
	}
	if v, ok := opts["method"]; ok && v != nil {
		s, isStr := v.(string)
		m := strings.ToUpper(strings.TrimSpace(s))
		if !isStr || !webhookMethods[m] {
			errs.Add("method", "must be one of GET, POST, PUT, PATCH, DELETE")
		} else {
			w.Method = m
		}
	}
	w.Async = boolOption(opts, "async", &errs)
	w.CacheEnabled = boolOption(opts, "cacheEnabled", &errs)
	w.ErrorOnReject = boolOption(opts, "error_on_reject", &errs)
	if w.CacheEnabled && w.Method != "GET" {
		errs.Add("cacheEnabled", "caching applies to GET webhooks only")
	}
	if v, ok := opts["return"]; ok {
		w.Return = v
	}
	if v, ok := opts["cacheTTL"]; ok && v != nil {
		ttl, terrs := parseCacheTTL(v)
		errs.Merge("cacheTTL", terrs)
		w.CacheTTL = ttl
	}
	if v, ok := opts["rate_limit"]; ok && v != nil {
		rl, rerrs := parseRateLimit(v)
		errs.Merge("rate_limit", rerrs)
		w.RateLimit = rl
	}
	if v, ok := opts["access"]; ok && v != nil {
		switch v {
		case AccessPublic, AccessPrivate:
			w.Access = v.(string)
		default:
			errs.Add("access", `must be "public" or "private"`)
		}
	}
	return w, errs
}

// boolOption reads an optional boolean option, recording a finding when it
// has another type.
func boolOption(opts map[string]any, key string, errs *ValidationErrors) bool {
	v, ok := opts[key]
	if !ok || v == nil {
		return false
	}
	b, isBool := v.(bool)
	if !isBool {
		errs.Add(key, "must be a boolean")
	}
	return b
}

// sortedKeys returns a map's keys in order, so findings come out stable.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// parseCacheTTL reads `cacheTTL`: how long a cached GET answer is served.
func parseCacheTTL(v any) (time.Duration, ValidationErrors) {
	var errs ValidationErrors
	s, isStr := v.(string)
	if !isStr {
		errs.Add("", `must be a duration such as "30s", "5m" or "1h"`)
		return 0, errs
	}
	d, err := ParseDuration(s)
	if err != nil {
		errs.Add("", "%v", err)
	}
	return d, errs
}
