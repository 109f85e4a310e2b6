package triggers

import (
	"strings"

	"github.com/goccy/go-json"
	"github.com/hookflow/hookflow/redact"
)

// replayTrigger rebuilds a run's `$trigger` from the form its record keeps
// (storedTrigger). A webhook request gets back what the record leaves out:
// `raw` (the recorded body encoded again, or the raw text the record kept
// for a body it could not parse) and the body's fields at the top level.
// Other triggers' values are used as recorded. What the record redacted or
// cut stays so; redacted reports whether there was any.
func replayTrigger(stored any) (trigger any, redacted bool) {
	redacted = holdsRedaction(stored)
	t, ok := stored.(map[string]any)
	if !ok {
		return stored, redacted
	}
	if _, isWebhook := t["headers"]; !isWebhook {
		return stored, redacted
	}
	body := t["body"]
	fields, _ := body.(map[string]any)
	out := make(map[string]any, 6+len(fields))
	for k, v := range fields {
		if !reservedTriggerKeys[k] {
			out[k] = v
		}
	}
	for _, k := range []string{"method", "path", "query", "headers"} {
		out[k] = t[k]
	}
	if out["query"] == nil {
		out["query"] = map[string]any{}
	}
	if out["headers"] == nil {
		out["headers"] = map[string]any{}
	}
	out["body"] = body
	out["raw"] = recordedRaw(t, body)
	return out, redacted
}

// recordedRaw is the raw body of a recorded webhook request: the text the
// record kept when the body could not be parsed, a text body itself, or
// the parsed body encoded again (the sender's exact bytes — white space,
// key order — are not recorded, so a signature over `raw` may not verify).
func recordedRaw(t map[string]any, body any) string {
	if raw, ok := t["raw"].(string); ok {
		return raw
	}
	switch b := body.(type) {
	case nil:
		return ""
	case string:
		return b
	case map[string]any:
		if len(b) == 0 {
			return ""
		}
	}
	raw, err := json.MarshalWithOption(body, json.DisableHTMLEscape())
	if err != nil {
		return ""
	}
	return string(raw)
}

// Markers a run record puts where it left a value out: a credential, a
// string cut at FLOWS_RUN_MAX_VALUE_SIZE or a value dropped to fit
// FLOWS_RUN_MAX_RECORD_SIZE, objects nested too deeply.
const (
	truncatedMarker = "[truncated: "
	tooDeepPrefix   = "[nested deeper than "
)

// holdsRedaction reports whether a recorded value holds a marker of
// something the record left out.
func holdsRedaction(v any) bool {
	switch x := v.(type) {
	case string:
		return strings.Contains(x, redact.Placeholder) || strings.Contains(x, truncatedMarker) ||
			strings.HasPrefix(x, tooDeepPrefix)
	case map[string]any:
		for _, e := range x {
			if holdsRedaction(e) {
				return true
			}
		}
	case []any:
		for _, e := range x {
			if holdsRedaction(e) {
				return true
			}
		}
	}
	return false
}
