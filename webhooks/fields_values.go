package webhooks

// The value forms fields accept: lists as arrays or CSV, headers as an
// object or a Directus list, delays as seconds or durations.

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hookflow/hookflow/flows"
	"github.com/hookflow/hookflow/jsonnum"
	"github.com/hookflow/hookflow/storage"
	"golang.org/x/net/http/httpguts"
)

// optionalField reads a string or null ("") field.
func optionalField(key string, v any, errs *flows.ValidationErrors) string {
	if v == nil {
		return ""
	}
	s, ok := v.(string)
	if !ok {
		errs.Add(key, "must be a string or null")
	}
	return s
}

// csvList reads a list of strings given as an array or a comma-separated
// string (Directus stores actions and collections as CSV).
func csvList(v any) ([]string, bool) {
	switch x := v.(type) {
	case nil:
		return nil, true
	case string:
		var out []string
		for _, part := range strings.Split(x, ",") {
			if part = strings.TrimSpace(part); part != "" {
				out = append(out, part)
			}
		}
		return out, true
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			s, ok := e.(string)
			if !ok {
				return nil, false
			}
			out = append(out, strings.TrimSpace(s))
		}
		return out, true
	}
	return nil, false
}

// eventList reads events: a list of names, patterns and DatoCMS event
// objects, or a comma-separated string of names.
func eventList(v any, errs *flows.ValidationErrors) []any {
	switch x := v.(type) {
	case nil:
		return nil
	case string:
		list, _ := csvList(x)
		out := make([]any, len(list))
		for i, e := range list {
			out[i] = e
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			if s, ok := e.(string); ok {
				e = strings.TrimSpace(s)
			}
			out[i] = e
		}
		return out
	}
	errs.Add("events", "must be a list of event names and DatoCMS event objects")
	return nil
}

// headerList reads custom headers: {"X-Foo": "Bar"} or
// [{"header": "X-Foo", "value": "Bar"}].
func headerList(v any, errs *flows.ValidationErrors) []storage.Header {
	var out []storage.Header
	switch x := v.(type) {
	case nil:
		return nil
	case map[string]any:
		names := make([]string, 0, len(x))
		for name := range x {
			names = append(names, name)
		}
		slices.Sort(names)
		for _, name := range names {
			value, ok := x[name].(string)
			if !ok {
				errs.Add("headers."+name, "must be a string")
			}
			out = append(out, storage.Header{Name: name, Value: value})
		}
	case []any:
		for i, e := range x {
			m, _ := e.(map[string]any)
			name, okName := m["header"].(string)
			value, okValue := m["value"].(string)
			if !okName || !okValue {
				errs.Add(fmt.Sprintf("headers[%d]", i), `must be {"header": "…", "value": "…"}`)
				continue
			}
			out = append(out, storage.Header{Name: name, Value: value})
		}
	default:
		errs.Add("headers", `must be an object of names and values, or a list of {"header", "value"}`)
		return nil
	}
	for _, h := range out {
		switch {
		case !httpguts.ValidHeaderFieldName(h.Name):
			errs.Add("headers", "%q is not a header name", h.Name)
		case !httpguts.ValidHeaderFieldValue(h.Value):
			errs.Add("headers", "the value of %s holds characters a header cannot", h.Name)
		case reservedHeader(h.Name):
			errs.Add("headers", "%s is set by hookflow and cannot be replaced", h.Name)
		}
	}
	return out
}

// retrySchedule reads delays between attempts: seconds, or durations such
// as "5m"; null means the server's default, [] no retries.
func retrySchedule(v any, errs *flows.ValidationErrors) []int64 {
	if v == nil {
		return nil
	}
	list, ok := v.([]any)
	if !ok || len(list) > maxRetries {
		errs.Add("retry_schedule", "must be a list of at most %d delays (seconds, or \"5m\", \"2h\")", maxRetries)
		return nil
	}
	out := make([]int64, 0, len(list))
	for i, e := range list {
		var d time.Duration
		switch x := e.(type) {
		case float64, json.Number:
			secs, _ := jsonnum.Float(x)
			d = time.Duration(secs * float64(time.Second))
		case string:
			if parsed, err := time.ParseDuration(x); err == nil {
				d = parsed
			} else if secs, err := strconv.ParseFloat(x, 64); err == nil {
				d = time.Duration(secs * float64(time.Second))
			} else {
				d = -1
			}
		default:
			d = -1
		}
		if d < 0 || d > maxRetryDelay {
			errs.Add(fmt.Sprintf("retry_schedule[%d]", i), "must be a delay of 0 to 7 days (seconds, or \"5m\", \"2h\")")
			continue
		}
		out = append(out, d.Milliseconds())
	}
	return out
}
