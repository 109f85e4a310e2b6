package operations

import (
	"context"
	"errors"
	"strings"

	"github.com/hookflow/hookflow/flows"
	"github.com/hookflow/hookflow/query"
	"github.com/hookflow/hookflow/redact"
)

// Condition checks a filter (docs/items.md#filters) against the data chain.
// It resolves with `$last` unchanged when the filter passes and rejects
// with {"errors": [{field, operator, expected, actual, message}]} when it
// does not; `$env` values in that report are hidden (redact.Secrets.Hide).
type Condition struct{}

// Prepare compiles the filter once; templates in operand values are
// rendered per run.
func (Condition) Prepare(p Prepare) (Step, error) {
	var errs flows.ValidationErrors
	checkKnown(p.Options, &errs, "filter")
	raw, ok := p.Options["filter"]
	if !ok || raw == nil {
		errs.Add("filter", "is required")
		return nil, errs
	}
	var templated bool
	f, err := query.ParseFilter(raw, query.ParseOptions{Dynamic: compileOperand(p, &templated)})
	if err != nil {
		var qerrs query.Errors
		if errors.As(err, &qerrs) {
			for _, e := range qerrs {
				errs.Add(flows.JoinPath("filter", e.Path), "%s", e.Message)
			}
		} else {
			errs.Add("filter", "%v", err)
		}
		return nil, errs
	}
	return &conditionStep{filter: f, keys: p.OperationKeys, templated: templated}, errs.Err()
}

type conditionStep struct {
	filter    *query.Filter
	keys      map[string]bool
	templated bool // some operand holds a template
}

// SelfRendered: the filter's operands are resolved by the filter itself.
func (s *conditionStep) SelfRendered() []string { return []string{"filter"} }

// Run evaluates the filter. An operand that fails to render fails the
// step rather than being compared as null.
func (s *conditionStep) Run(ctx context.Context, in Input) (any, error) {
	subject := conditionSubject{chain: in.Chain, keys: s.keys}
	env, scope := filterEnv(ctx, in, s.templated)
	passed := s.filter.Match(subject.lookup, env)
	if err := scope.failure(); err != nil {
		return nil, err
	}
	if passed {
		return in.Chain["$last"], nil
	}
	_, mismatches := s.filter.Explain(subject.lookup, env)
	if err := scope.failure(); err != nil {
		return nil, err
	}
	list := make([]any, len(mismatches))
	for i, m := range mismatches {
		list[i] = map[string]any{
			"field": m.Field, "operator": m.Operator, "expected": m.Expected, "actual": m.Actual, "message": m.Message,
		}
	}
	vars, _ := in.Chain["$env"].(map[string]any)
	return nil, Reject(redact.EnvSecrets(vars).Hide(map[string]any{"errors": list}))
}

// conditionSubject resolves a filter's top-level field names:
//   - `$…` names and operation keys address the data chain;
//   - other names are fields of `$last` (a one-element array is unwrapped);
//   - failing that, the trigger's body, then query, then headers
//     (case-insensitive), so `{"x-api-key": {"_eq": …}}` reads the header.
type conditionSubject struct {
	chain map[string]any
	keys  map[string]bool
}

func (c conditionSubject) lookup(field string) (any, bool) {
	if strings.HasPrefix(field, "$") || c.keys[field] {
		v, ok := c.chain[field]
		return v, ok
	}
	last := c.chain["$last"]
	if list, ok := last.([]any); ok && len(list) == 1 {
		last = list[0]
	}
	if m, ok := last.(map[string]any); ok {
		if v, ok := m[field]; ok {
			return v, true
		}
	}
	trigger, _ := c.chain["$trigger"].(map[string]any)
	if trigger == nil {
		return nil, false
	}
	for _, part := range [...]string{"body", "query"} {
		if m, ok := trigger[part].(map[string]any); ok {
			if v, ok := m[field]; ok {
				return v, true
			}
		}
	}
	if h, ok := trigger["headers"].(map[string]any); ok {
		if v, ok := h[strings.ToLower(field)]; ok {
			return v, true
		}
	}
	return nil, false
}
