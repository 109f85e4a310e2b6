package triggers

import (
	"reflect"

	"github.com/hookflow/hookflow/jsondepth"
	"github.com/hookflow/hookflow/jsonenc"
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

// appendStoredTrigger appends the form of `$trigger` kept in run records:
// the request scrubbed (credential headers such as Authorization and
// Cookie, the access_token parameter and secret-named body fields
// redacted, long strings cut), without the copies of body fields at the
// top level (they are in `body`). The raw body is kept only when the body
// could not be parsed, since otherwise it repeats `body`.
//
// It also returns the scrubber for the rest of the run's record: one that
// hides the credentials found in the request wherever they reappear (also
// when the trigger could not be encoded: those found before are hidden).
func appendStoredTrigger(dst []byte, trigger any, base *redact.Scrubber) ([]byte, *redact.Scrubber, error) {
	var found []string
	s := base.Collecting(&found)
	out, err := appendStoredRequest(dst, trigger, &s)
	if err != nil {
		return dst, base.WithCredentials(found), err
	}
	return out, base.WithCredentials(found), nil
}

// storedTrigger returns the stored form of `$trigger` on its own (a queued
// run's record, a failure's log), or the unencodable marker, and the
// scrubber for the rest of the run (appendStoredTrigger).
func storedTrigger(trigger any, base *redact.Scrubber) (jsonenc.Encoded, *redact.Scrubber) {
	stored, sc, err := appendStoredTrigger(nil, trigger, base)
	if err != nil {
		stored = jsonenc.AppendString(nil, unencodable)
	}
	return stored, sc
}

// appendStoredRequest writes the trigger scrubbed, collecting credentials
// as s does.
func appendStoredRequest(dst []byte, trigger any, s *redact.Scrubber) ([]byte, error) {
	t, ok := trigger.(map[string]any)
	if !ok {
		return s.AppendJSON(dst, trigger)
	}
	if _, isWebhook := t["headers"]; !isWebhook {
		return s.AppendJSON(dst, trigger)
	}
	var err error
	if dst, err = jsonenc.Append(append(dst, `{"method":`...), t["method"]); err != nil {
		return dst, err
	}
	for _, k := range [...]string{"path", "query", "headers"} {
		dst = append(append(append(append(dst, ',', '"'), k...), '"'), ':')
		if dst, err = s.AppendJSON(dst, t[k]); err != nil {
			return dst, err
		}
	}
	dst = append(dst, `,"body":`...)
	raw, _ := t["raw"].(string)
	if t["body"] == nil {
		text, _ := s.Text(raw)
		dst = jsonenc.AppendString(append(dst, `null,"raw":`...), text)
		return append(dst, '}'), nil
	}
	// A JSON body that needs no change is stored as the sender's bytes,
	// found so by a scan of those bytes rather than a walk of the parsed
	// value; the walk runs only when there is something to change.
	if text := jsonText(raw); text != "" && isJSONMediaType(t["headers"]) {
		if keep, spaced := s.KeepsJSON(text); keep && spaced {
			return append(jsonenc.AppendValid(dst, text), '}'), nil
		} else if keep {
			return append(append(dst, text...), '}'), nil
		}
	}
	if dst, err = s.AppendJSON(dst, t["body"]); err != nil {
		return dst, err
	}
	return append(dst, '}'), nil
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
