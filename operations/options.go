package operations

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/hookflow/hookflow/flows"
	"github.com/hookflow/hookflow/jsonnum"
)

// isTemplate reports whether a raw option value is a string with
// placeholders, whose type is only known once rendered.
func isTemplate(v any) bool {
	s, ok := v.(string)
	return ok && strings.Contains(s, "{{")
}

// checkString records a finding when a present, non-template option is not a
// string (or is empty while required).
func checkString(opts map[string]any, key string, required bool, errs *flows.ValidationErrors) {
	v, ok := opts[key]
	if !ok || v == nil {
		if required {
			errs.Add(key, "is required")
		}
		return
	}
	s, isStr := v.(string)
	if !isStr {
		errs.Add(key, "must be a string")
	} else if required && strings.TrimSpace(s) == "" {
		errs.Add(key, "must not be empty")
	}
}

// checkKnown records a finding for every option key the type does not read,
// which catches typos such as "mesage".
func checkKnown(opts map[string]any, errs *flows.ValidationErrors, known ...string) {
	allowed := make(map[string]bool, len(known))
	for _, k := range known {
		allowed[k] = true
	}
	for k := range opts {
		if !allowed[k] {
			errs.Add(k, "unknown option (known: %s)", strings.Join(known, ", "))
		}
	}
}

// optionText reads a rendered option as text (see toText).
func optionText(opts map[string]any, key string) string { return toText(opts[key]) }

// toText converts a rendered value to text as templates do: strings as they
// are, null as "", numbers and booleans in JSON notation, objects and
// arrays as compact JSON.
func toText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	default:
		if text, ok := jsonnum.Text(x); ok {
			return text
		}
		raw, err := json.Marshal(x)
		if err != nil {
			return fmt.Sprint(x)
		}
		return string(raw)
	}
}

// optionInt reads a rendered option as an integer (a number or a numeric
// string); ok is false when it is missing or not an integer.
func optionInt(v any) (n int, ok bool) {
	if jsonnum.IsNumber(v) {
		i, ok := jsonnum.Int(v)
		if !ok || i > math.MaxInt32 || i < -math.MaxInt32 {
			return 0, false
		}
		return int(i), true
	}
	if x, ok := v.(string); ok {
		i, err := strconv.Atoi(strings.TrimSpace(x))
		return i, err == nil
	}
	return 0, false
}

// validStatus reports whether n is an HTTP error status a flow may answer with.
func validStatus(n int) bool {
	return n >= 400 && n <= 599 && http.StatusText(n) != ""
}

// optionDuration reads a rendered duration: milliseconds as a number or a
// numeric string, or Go duration text such as "30s" or "1m30s".
func optionDuration(v any) (time.Duration, bool) {
	if jsonnum.IsNumber(v) {
		ms, ok := jsonnum.Int(v)
		if !ok || ms > math.MaxInt64/int64(time.Millisecond) || ms < -math.MaxInt64/int64(time.Millisecond) {
			return 0, false
		}
		return time.Duration(ms) * time.Millisecond, true
	}
	if x, ok := v.(string); ok {
		s := strings.TrimSpace(x)
		if ms, err := strconv.ParseInt(s, 10, 64); err == nil {
			return optionDuration(ms)
		}
		d, err := time.ParseDuration(s)
		return d, err == nil
	}
	return 0, false
}
