package operations

import (
	"encoding/json"
	"strings"

	"github.com/hookflow/hookflow/flows"
)

// jsonOption is an option that holds JSON: a value with placeholders, or a
// JSON document written as a string, as Directus's editor stores it. A
// constant document is parsed once when the flow is saved; one with
// placeholders is rendered JSON-safely by the engine and parsed after.
type jsonOption struct {
	value     Value
	parseText bool
}

// prepareJSONOption compiles the option key; findings are added to errs.
func prepareJSONOption(p Prepare, key string, errs *flows.ValidationErrors) jsonOption {
	raw := p.Options[key]
	var o jsonOption
	if text, isStr := raw.(string); isStr && looksLikeJSON(text) {
		if !isTemplate(text) {
			var parsed any
			if err := json.Unmarshal([]byte(text), &parsed); err != nil {
				errs.Add(key, "is not valid JSON: %v", err)
				return o
			}
			raw = parsed
		} else {
			o.parseText = true
		}
	}
	v, verrs := p.Compile(raw)
	errs.Merge(key, verrs)
	o.value = v
	return o
}

// resolve renders the option; ok is false when rendered JSON text does not
// parse.
func (o jsonOption) resolve(chain map[string]any) (v any, err error) {
	if o.value == nil {
		return nil, nil
	}
	out := o.value.Resolve(chain)
	if text, isStr := out.(string); isStr && o.parseText {
		var parsed any
		if err := json.Unmarshal([]byte(text), &parsed); err != nil {
			return nil, err
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
