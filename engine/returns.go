package engine

import (
	"context"
	"strings"

	"github.com/hookflow/hookflow/flows"
	"github.com/hookflow/hookflow/query"
)

// returnValue is a compiled `return` trigger option (README.md, "What a flow is").
type returnValue struct {
	path     *query.Path // $last, $trigger, operation keys and paths
	all      bool        // $all: the chain without $env
	template *Template   // a string with placeholders
	literal  any         // anything else, returned as written
}

// returnOption is the flow's `return` trigger option, for the triggers
// whose runs answer someone (webhook, operation, manual, and filter
// events, whose answer is the write's new payload).
func returnOption(f *flows.Flow) (any, bool) {
	switch {
	case f.Webhook != nil:
		return f.Webhook.Return, true
	case f.OperationTrigger != nil:
		return f.OperationTrigger.Return, true
	case f.Manual != nil:
		return f.Manual.Return, true
	case f.Event != nil && f.Event.Type == flows.EventFilter:
		return f.Event.Return, true
	}
	return nil, false
}

// answersCaller reports whether a flow with a return option answers its
// caller: not when its trigger queues the run (async).
func answersCaller(f *flows.Flow) bool {
	switch {
	case f.Webhook != nil:
		return !f.Webhook.Async
	case f.Manual != nil:
		return !f.Manual.Async
	}
	return true
}

// compileReturn interprets the option: `$all`; a string with placeholders; a
// path whose head is a `$` name or an operation key (`$last`,
// `$trigger.body.items`, `read_orders.0.id`, `process-order`); any other
// value is returned literally.
func compileReturn(raw any, c *compiler) (returnValue, flows.ValidationErrors) {
	var errs flows.ValidationErrors
	s, isStr := raw.(string)
	if !isStr {
		return returnValue{literal: raw}, nil
	}
	switch {
	case s == "$all":
		return returnValue{all: true}, nil
	case HasPlaceholders(s):
		t, err := ParseTemplate(s)
		if err != nil {
			errs.Add("", "template: %v", err)
			return returnValue{literal: s}, errs
		}
		c.template(t, "", &errs)
		return returnValue{template: t}, errs
	}
	head := s
	if i := strings.IndexAny(s, ".["); i >= 0 {
		head = s[:i]
	}
	if !strings.HasPrefix(s, "$") && !c.keys[head] {
		return returnValue{literal: s}, nil
	}
	p, err := query.ParsePath(s)
	if err != nil {
		errs.Add("", "invalid path: %v", err)
		return returnValue{literal: s}, errs
	}
	c.path(p, s, "", &errs)
	return returnValue{path: &p}, errs
}

// render computes the response data from a finished run's chain. Its
// encoding may not pass the limit: a path or `$all` may gather values that
// share members (an object of a thousand references to the payload), and
// the answer would be encoded from it.
func (r *returnValue) render(ctx context.Context, b *budget, limit int, chain map[string]any) (any, error) {
	b.reset(ctx, limit)
	var out any
	switch {
	case r.path != nil:
		out, _ = r.path.Get(chain)
	case r.all:
		all := make(map[string]any, len(chain))
		for k, v := range chain {
			if k != "$env" {
				all[k] = v
			}
		}
		out = all
	case r.template != nil:
		v, err := r.template.render(b, chain)
		if err != nil || !r.template.whole {
			return v, err
		}
		out = v
	default:
		return r.literal, nil
	}
	if err := b.chargeValue(out); err != nil {
		return nil, err
	}
	return out, nil
}
