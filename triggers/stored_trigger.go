package triggers

import (
	"reflect"

	"github.com/goccy/go-json"
	"github.com/hookflow/hookflow/jsondepth"
	"github.com/hookflow/hookflow/redact"
)

// DefaultMaxValueSize is the longest string a run record keeps whole
// (FLOWS_RUN_MAX_VALUE_SIZE, 8 KiB).
const DefaultMaxValueSize = 8 << 10

// recordScrubber returns what hides, in run records, the values of `$env`
// and of secret-named fields, cuts strings over maxString bytes
// (DefaultMaxValueSize when zero) and values nested deeper than
// jsondepth.MaxDocument levels.
func recordScrubber(env *redact.Secrets, maxString int) *redact.Scrubber {
	if maxString <= 0 {
		maxString = DefaultMaxValueSize
	}
	return redact.NewScrubber(env, maxString, jsondepth.MaxDocument)
}

// storedTrigger is the form of `$trigger` kept in run records: the request
// scrubbed (credential headers such as Authorization and Cookie, the
// access_token parameter and secret-named body fields redacted, long
// strings cut), without the copies of body fields at the top level (they
// are in `body`). The raw body is kept only when the body could not be
// parsed, since otherwise it repeats `body`.
//
// It also returns the scrubber for the rest of the run's record: one that
// hides the credentials found in the request wherever they reappear.
func storedTrigger(trigger any, base *redact.Scrubber) (any, *redact.Scrubber) {
	var found []string
	s := base.Collecting(&found)
	stored := storedRequest(trigger, &s)
	return stored, base.WithCredentials(found)
}

// storedRequest scrubs the trigger, collecting credentials as s does.
func storedRequest(trigger any, s *redact.Scrubber) any {
	t, ok := trigger.(map[string]any)
	if !ok {
		return s.Value(trigger)
	}
	if _, isWebhook := t["headers"]; !isWebhook {
		return s.Value(trigger)
	}
	out := map[string]any{
		"method": t["method"], "path": s.Value(t["path"]), "query": s.Value(t["query"]),
		"headers": s.Value(t["headers"]),
	}
	raw, _ := t["raw"].(string)
	if t["body"] == nil {
		out["body"] = nil
		out["raw"], _ = s.Text(raw)
		return out
	}
	// A JSON body that needs no change is stored as the sender's bytes,
	// found so by a scan of those bytes rather than a walk of the parsed
	// value; the walk runs only when there is something to change.
	if text := jsonText(raw); text != "" && isJSONMediaType(t["headers"]) && s.KeepsJSON(text) {
		out["body"] = json.RawMessage(text)
		return out
	}
	out["body"] = s.Value(t["body"])
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
