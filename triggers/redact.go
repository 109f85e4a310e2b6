package triggers

import (
	"reflect"
	"strings"

	"github.com/goccy/go-json"
)

// redacted replaces secret values in stored run records.
const redacted = "[REDACTED]"

// secretHeaders are request headers that carry credentials.
var secretHeaders = map[string]bool{
	"authorization": true, "proxy-authorization": true, "cookie": true, "set-cookie": true,
	"x-api-key": true, "x-auth-token": true, "x-access-token": true,
}

// storedTrigger is the form of `$trigger` kept in run records: the request
// without credentials, and without the copies of body fields at the top
// level (they are in `body`). The raw body is kept only when the body could
// not be parsed, since otherwise it repeats `body`.
func storedTrigger(trigger any) any {
	t, ok := trigger.(map[string]any)
	if !ok {
		return trigger
	}
	if _, isWebhook := t["headers"]; !isWebhook {
		return trigger
	}
	out := map[string]any{
		"method": t["method"], "path": t["path"], "query": redactQuery(t["query"]),
		"headers": redactHeaders(t["headers"]), "body": t["body"],
	}
	raw, _ := t["raw"].(string)
	switch t["body"].(type) {
	case nil:
		out["raw"] = raw
	case map[string]any, []any, float64, bool:
		// The body was parsed from JSON: store the sender's bytes rather than
		// encoding the parsed value again.
		if raw != "" && isJSONMediaType(t["headers"]) {
			out["body"] = json.RawMessage(raw)
		}
	}
	return out
}

// isJSONMediaType reports whether the request's content type was JSON.
func isJSONMediaType(headers any) bool {
	h, _ := headers.(map[string]any)
	ct, _ := h["content-type"].(string)
	return mediaTypeIsJSON(mediaType(ct))
}

// triggerRef stands in a run record for a value that is `$trigger` itself
// (a passing condition hands `$last` on unchanged), so the payload is
// stored once.
var triggerRef = map[string]any{"$ref": "$trigger"}

// dedupeTrigger replaces values that are the trigger map itself by triggerRef.
func dedupeTrigger(v, trigger any) any {
	if sameMap(v, trigger) {
		return triggerRef
	}
	return v
}

// sameMap reports whether a and b are the same map (not equal contents).
func sameMap(a, b any) bool {
	ma, okA := a.(map[string]any)
	mb, okB := b.(map[string]any)
	return okA && okB && reflect.ValueOf(ma).UnsafePointer() == reflect.ValueOf(mb).UnsafePointer()
}

func redactHeaders(v any) any {
	h, ok := v.(map[string]any)
	if !ok {
		return v
	}
	if !hasSecretHeader(h) {
		return h
	}
	out := make(map[string]any, len(h))
	for k, val := range h {
		if isSecretHeader(k) {
			val = redacted
		}
		out[k] = val
	}
	return out
}

// hasSecretHeader reports whether any header needs redacting, so the common
// case stores the header map as it is.
func hasSecretHeader(h map[string]any) bool {
	for k := range h {
		if isSecretHeader(k) {
			return true
		}
	}
	return false
}

// isSecretHeader names headers that carry credentials.
func isSecretHeader(k string) bool {
	return secretHeaders[k] || strings.HasSuffix(k, "-token") || strings.HasSuffix(k, "-secret")
}

func redactQuery(v any) any {
	q, ok := v.(map[string]any)
	if !ok {
		return v
	}
	if _, has := q["access_token"]; !has {
		return q
	}
	out := make(map[string]any, len(q))
	for k, val := range q {
		out[k] = val
	}
	out["access_token"] = redacted
	return out
}
