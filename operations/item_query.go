package operations

import (
	"context"
	"errors"
	"maps"
	"net/http"

	"github.com/hookflow/hookflow/flows"
	"github.com/hookflow/hookflow/jsonnum"
	"github.com/hookflow/hookflow/query"
)

// queryOption is the `query` option of item-read, item-update and
// item-delete: the parameters of GET /items (docs/items.md#the-query-language), parsed by the same
// parser. What is constant is parsed when the flow is saved, so a typo or
// an unknown operator is an upload error; the filter is compiled once with
// its templates (`{{$trigger.query.status}}`, `$NOW(-1 hour)`) resolved per
// run; other parameters with templates (`"limit": "{{$trigger.query.limit}}"`)
// are rendered and parsed per run.
type queryOption struct {
	static *query.Params // everything constant (the filter may hold templates)
	filter *query.Filter // the compiled filter when the rest is dynamic
	rest   Value         // the other parameters, when some have templates
	// templated names what is written as one template ("query" or
	// "filter"), whose value a write requires.
	templated string
	// templatedFilter: some filter operand holds a template.
	templatedFilter bool
}

// prepareQueryOption compiles opts["query"]; nil when absent.
func prepareQueryOption(p Prepare, errs *flows.ValidationErrors) *queryOption {
	raw, ok := p.Options["query"]
	if !ok || raw == nil {
		return nil
	}
	if text, isStr := raw.(string); isStr {
		if isTemplate(text) {
			v, verrs := p.Compile(text)
			errs.Merge("query", verrs)
			return &queryOption{rest: v, templated: "query"}
		}
		parsed, err := jsonnum.Decode([]byte(text))
		if err != nil {
			errs.Add("query", "is not valid JSON: %v", err)
			return nil
		}
		raw = parsed
	}
	obj, isObj := raw.(map[string]any)
	if !isObj {
		errs.Add("query", "must be an object such as {\"filter\": {…}, \"limit\": 10}")
		return nil
	}
	o := &queryOption{}
	if f, isStr := obj["filter"].(string); isStr && isTemplate(f) {
		o.templated = "filter"
	}
	rest := obj
	popts := query.ParamOptions{Strict: true, Filter: query.ParseOptions{Dynamic: compileOperand(p, &o.templatedFilter)}}
	if f, isFilter := obj["filter"].(map[string]any); isFilter {
		parsed, err := query.ParseFilter(f, popts.Filter)
		if err != nil {
			addQueryErrors(errs, "query.filter", err)
		}
		o.filter = parsed
		rest = maps.Clone(obj)
		delete(rest, "filter")
	}
	if !hasTemplates(rest) {
		params, err := query.ParseParams(rest, popts)
		if err != nil {
			addQueryErrors(errs, "query", err)
			return nil
		}
		params.Filter = o.filter
		o.static = params
		return o
	}
	// Check what can be checked now: parameter names.
	if _, err := query.ParseParams(onlyNames(rest), popts); err != nil {
		addQueryErrors(errs, "query", err)
	}
	v, verrs := p.Compile(rest)
	errs.Merge("query", verrs)
	o.rest = v
	return o
}

// resolve renders and parses the query of a read for one run: a query
// whose template gives no value is no query. The filter's templated
// operands are rendered in t's environment, and a failure among them
// fails the step before anything is selected.
func (o *queryOption) resolve(ctx context.Context, t *target, in Input) (*query.Params, error) {
	return o.resolveFor(ctx, t, in, false)
}

// resolveWrite is resolve for item-update and item-delete. There a query or
// filter written as a template that gives no value fails, so that a request
// lacking it never writes every item (a filter of {} selects them all on
// purpose).
func (o *queryOption) resolveWrite(ctx context.Context, t *target, in Input) (*query.Params, error) {
	return o.resolveFor(ctx, t, in, true)
}

func (o *queryOption) resolveFor(ctx context.Context, t *target, in Input, write bool) (*query.Params, error) {
	if o == nil {
		return nil, nil
	}
	params, err := o.render(ctx, in, write)
	if err != nil || params == nil {
		return params, err
	}
	if o.templatedFilter {
		t.env, t.scope = filterEnv(ctx, in, true)
	}
	if err := renderOperands(params.Filter, t.env, t.scope); err != nil {
		return nil, err
	}
	return params, nil
}

// render renders and parses the parameters.
func (o *queryOption) render(ctx context.Context, in Input, write bool) (*query.Params, error) {
	if o.static != nil {
		return o.static, nil
	}
	rendered, err := o.rest.Render(ctx, in.Chain, maxRenderSize(in))
	if err != nil {
		return nil, err
	}
	if text, isStr := rendered.(string); isStr {
		parsed, err := jsonnum.Decode([]byte(text))
		if err != nil {
			return nil, Failf(http.StatusBadRequest, "INVALID_QUERY", "invalid query: not JSON: %v", err)
		}
		rendered = parsed
	}
	if write && o.templated == "query" && rendered == nil {
		return nil, Failf(http.StatusBadRequest, "INVALID_QUERY", "invalid query: query is null: its value selects no items")
	}
	obj, isObj := rendered.(map[string]any)
	if rendered == nil {
		obj, isObj = map[string]any{}, true
	}
	if !isObj {
		return nil, Failf(http.StatusBadRequest, "INVALID_QUERY", "invalid query: must be an object, got %s", query.TypeName(rendered))
	}
	if write && o.templated == "filter" && obj["filter"] == nil {
		return nil, Failf(http.StatusBadRequest, "INVALID_QUERY", "invalid query: filter is null: its value selects no items")
	}
	params, err := query.ParseParams(obj, query.ParamOptions{Strict: true})
	if err != nil {
		return nil, itemFailure("read", err)
	}
	if o.filter != nil {
		params.Filter = o.filter
	}
	return params, nil
}

// addQueryErrors records filter or parameter errors under prefix.
func addQueryErrors(errs *flows.ValidationErrors, prefix string, err error) {
	var qerrs query.Errors
	if !errors.As(err, &qerrs) {
		errs.Add(prefix, "%v", err)
		return
	}
	for _, e := range qerrs {
		errs.Add(flows.JoinPath(prefix, e.Path), "%s", e.Message)
	}
}

// hasTemplates reports whether a raw option value holds a placeholder
// anywhere.
func hasTemplates(v any) bool {
	switch x := v.(type) {
	case string:
		return isTemplate(x)
	case []any:
		for _, e := range x {
			if hasTemplates(e) {
				return true
			}
		}
	case map[string]any:
		for _, e := range x {
			if hasTemplates(e) {
				return true
			}
		}
	}
	return false
}

// onlyNames keeps an object's keys with null values, to check parameter
// names before their values are known.
func onlyNames(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k := range m {
		out[k] = nil
	}
	return out
}
