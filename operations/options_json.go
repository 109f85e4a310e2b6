package operations

import (
	"context"
	"strings"

	"github.com/hookflow/hookflow/flows"
	"github.com/hookflow/hookflow/jsonnum"
)

// jsonOption is an option holding any JSON value, which may also be
// written as JSON text (Directus's editor stores `payload` and `json` that
// way): constant text is parsed once when the flow is saved, text with
// placeholders after rendering.
type jsonOption struct {
	value     Value
	parseText bool
}

// compileJSONOption compiles p.Options[key]; findings go to errs under key.
func compileJSONOption(p Prepare, key string, errs *flows.ValidationErrors) jsonOption {
	raw := p.Options[key]
	var o jsonOption
	if text, isStr := raw.(string); isStr && looksLikeJSON(text) {
		if !isTemplate(text) {
			parsed, err := jsonnum.Decode([]byte(text))
			if err != nil {
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

// resolve renders the option against a step's data chain.
func (o jsonOption) resolve(ctx context.Context, in Input, what string) (any, error) {
	if o.value == nil {
		return nil, nil
	}
	out, err := o.value.Render(ctx, in.Chain, maxRenderSize(in))
	if err != nil {
		return nil, err
	}
	if text, ok := out.(string); ok && o.parseText {
		// Rendered numbers keep their digits (jsonnum).
		parsed, err := jsonnum.Decode([]byte(text))
		if err != nil {
			return nil, Failf(500, "INVALID_JSON", "%s: rendered JSON is not valid: %v", what, err)
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
