package operations

import (
	"context"

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
	if _, ok := p.Options["json"]; !ok {
		errs.Add("json", "is required")
		return nil, errs
	}
	s := &transformStep{json: compileJSONOption(p, "json", &errs)}
	return s, errs.Err()
}

type transformStep struct {
	json jsonOption
}

// SelfRendered: the step renders `json` itself so it can parse JSON text.
func (s *transformStep) SelfRendered() []string { return []string{"json"} }

// Run renders the value.
func (s *transformStep) Run(ctx context.Context, in Input) (any, error) {
	return s.json.resolve(ctx, in, "transform")
}
