package operations

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/hookflow/hookflow/flows"
)

// Transform builds a new value from the `json` option: an object, array or
// scalar with placeholders, or a JSON document written as a string (parsed
// after rendering, as Directus's editor stores it).
type Transform struct{}

// Prepare compiles the `json` option; a constant JSON string is parsed once.
func (Transform) Prepare(p Prepare) (Step, error) {
	var errs flows.ValidationErrors
	checkKnown(p.Options, &errs, "json")
	raw, ok := p.Options["json"]
	if !ok {
		errs.Add("json", "is required")
		return nil, errs
	}
	s := &transformStep{}
	if text, isStr := raw.(string); isStr && looksLikeJSON(text) {
		if !isTemplate(text) {
			var parsed any
			if err := json.Unmarshal([]byte(text), &parsed); err != nil {
				errs.Add("json", "is not valid JSON: %v", err)
				return nil, errs
			}
			raw = parsed
		} else {
			s.parseText = true
		}
	}
	v, verrs := p.Compile(raw)
	errs.Merge("json", verrs)
	s.json = v
	return s, errs.Err()
}

type transformStep struct {
	json      Value
	parseText bool
}

// SelfRendered: the step renders `json` itself so it can parse JSON text.
func (s *transformStep) SelfRendered() []string { return []string{"json"} }

// Run renders the value.
func (s *transformStep) Run(_ context.Context, in Input) (any, error) {
	out := s.json.Resolve(in.Chain)
	if text, ok := out.(string); ok && s.parseText {
		var parsed any
		if err := json.Unmarshal([]byte(text), &parsed); err != nil {
			return nil, Failf(500, "INVALID_JSON", "transform: rendered json is not valid JSON: %v", err)
		}
		return parsed, nil
	}
	return out, nil
}

// looksLikeJSON reports whether a string option holds a JSON object or array.
func looksLikeJSON(s string) bool {
	t := strings.TrimSpace(s)
	return strings.HasPrefix(t, "{") || strings.HasPrefix(t, "[")
}
