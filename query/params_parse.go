package query

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/hookflow/hookflow/jsonnum"
)

// ParamOptions tunes ParseParams.
type ParamOptions struct {
	// Filter is how the filter is parsed (templates in operands).
	Filter ParseOptions
	// Strict reports unknown parameters as errors. A flow's `query` option is
	// strict, so typos surface at upload; URL parameters are not, because
	// requests carry others (access_token, cache busters).
	Strict bool
}

// Bounds of one query's lists, checked before anything is parsed or sent
// to the database (which refuses more than 2 000 terms or columns with an
// error of its own). They are far beyond what a query written by a person
// or a Directus client uses; like MaxConditions, they keep what one
// request can ask of the database in proportion.
const (
	// MaxSortKeys bounds the fields of `sort`.
	MaxSortKeys = 100
	// MaxGroupBy bounds the fields of `groupBy`.
	MaxGroupBy = 100
	// MaxAggregates bounds the fields of `aggregate`, all functions
	// together (`aggregate[sum]=a,b&aggregate[avg]=a` is three).
	MaxAggregates = 100
	// MaxFields bounds the selectors of `fields`, which are applied to
	// each item read.
	MaxFields = 1000
)

// paramNames are the parameters ParseParams reads.
var paramNames = map[string]bool{
	"filter": true, "fields": true, "sort": true, "limit": true, "offset": true, "page": true,
	"search": true, "meta": true, "aggregate": true, "groupBy": true,
}

// ParseParams parses an item query given as an object: the `query` option
// of item-read as written in a flow, or URL parameters after ParseValues.
// Object-valued parameters (filter, aggregate) may also be JSON strings and
// list-valued ones (fields, sort, meta, groupBy) comma strings, arrays or
// JSON arrays. A null parameter counts as absent, so a template that
// resolves to nothing leaves the default. Every problem is reported at once
// as Errors, each with the parameter as its path.
func ParseParams(raw map[string]any, opts ParamOptions) (*Params, error) {
	p := &Params{Limit: DefaultLimit}
	var errs Errors
	fail := func(path, format string, args ...any) {
		errs = append(errs, Error{Path: path, Message: fmt.Sprintf(format, args...)})
	}
	for _, k := range slices.Sorted(maps.Keys(raw)) {
		v := raw[k]
		if !paramNames[k] {
			if opts.Strict {
				fail(k, "unknown query parameter (known: aggregate, fields, filter, groupBy, limit, meta, offset, page, search, sort)")
			}
			continue
		}
		if v == nil {
			continue
		}
		switch k {
		case "filter":
			p.Filter = parseFilterParam(v, opts.Filter, &errs)
		case "fields":
			if list, ok := listParam(v, k, &errs); ok && withinBound(list, k, MaxFields, &errs) {
				f, err := ParseFields(list)
				if err != nil {
					fail(k, "%v", err)
				}
				p.Fields = f
			}
		case "sort":
			if list, ok := listParam(v, k, &errs); ok && withinBound(list, k, MaxSortKeys, &errs) {
				p.Sort = parseSort(list, &errs)
			}
		case "limit":
			if n, ok := intParam(v); !ok || n < -1 {
				fail(k, "must be an integer up to 2147483647, -1 for no limit")
			} else {
				p.Limit, p.HasLimit = n, true
			}
		case "offset":
			if n, ok := intParam(v); !ok || n < 0 {
				fail(k, "must be a non-negative integer up to 2147483647")
			} else {
				p.Offset = n
			}
		case "page":
			if n, ok := intParam(v); !ok || n < 1 {
				fail(k, "must be a positive integer up to 2147483647 (pages start at 1)")
			} else {
				p.Page = n
			}
		case "search":
			if s, ok := v.(string); ok {
				p.Search = s
			} else if text, ok := jsonnum.Text(v); ok {
				p.Search = text
			} else {
				fail(k, "must be a string")
			}
		case "meta":
			if list, ok := listParam(v, k, &errs); ok {
				p.Meta = parseMeta(list, &errs)
			}
		case "aggregate":
			p.Aggregate = parseAggregate(v, &errs)
		case "groupBy":
			if list, ok := listParam(v, k, &errs); ok && withinBound(list, k, MaxGroupBy, &errs) {
				p.GroupBy = parsePaths(list, k, &errs)
			}
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return p, nil
}

// parseFilterParam reads a filter object or its JSON text.
func parseFilterParam(v any, opts ParseOptions, errs *Errors) *Filter {
	if s, ok := v.(string); ok {
		decoded, err := decodeJSONParam(s)
		if err != nil {
			*errs = append(*errs, Error{Path: "filter", Message: err.Error()})
			return nil
		}
		v = decoded
	}
	f, err := ParseFilter(v, opts)
	if err != nil {
		for _, e := range asErrors(err) {
			*errs = append(*errs, Error{Path: joinPath("filter", e.Path), Message: e.Message})
		}
		return nil
	}
	return f
}

// decodeJSONParam decodes a parameter written as JSON text.
func decodeJSONParam(s string) (any, error) {
	// Numbers keep their digits: {"id": {"_eq": 9007199254740993}} must
	// not select 9007199254740992.
	v, err := jsonnum.Decode([]byte(s))
	if err != nil {
		return nil, fmt.Errorf("invalid JSON: %v", err)
	}
	return v, nil
}

func asErrors(err error) Errors {
	if es, ok := err.(Errors); ok {
		return es
	}
	return Errors{{Message: err.Error()}}
}

func joinPath(prefix, rel string) string {
	switch {
	case rel == "":
		return prefix
	case strings.HasPrefix(rel, "["):
		return prefix + rel
	}
	return prefix + "." + rel
}

// listParam reads a list parameter: a comma string, a JSON array written as
// text, or an array of such strings. Items are trimmed; empty ones dropped.
func listParam(v any, name string, errs *Errors) ([]string, bool) {
	var out []string
	var add func(v any, path string) bool
	add = func(v any, path string) bool {
		switch x := v.(type) {
		case string:
			if t := strings.TrimSpace(x); strings.HasPrefix(t, "[") {
				decoded, err := decodeJSONParam(t)
				if err != nil {
					*errs = append(*errs, Error{Path: path, Message: err.Error()})
					return false
				}
				return add(decoded, path)
			}
			for part := range strings.SplitSeq(x, ",") {
				if part = strings.TrimSpace(part); part != "" {
					out = append(out, part)
				}
			}
			return true
		case []any:
			for i, e := range x {
				if _, nested := e.([]any); nested {
					*errs = append(*errs, Error{Path: fmt.Sprintf("%s[%d]", path, i), Message: "must be a string"})
					return false
				}
				if !add(e, fmt.Sprintf("%s[%d]", path, i)) {
					return false
				}
			}
			return true
		}
		*errs = append(*errs, Error{Path: path, Message: "must be a comma-separated string or a list of strings"})
		return false
	}
	ok := add(v, name)
	return out, ok
}

// parseQueryPath parses a field path of a query parameter, at most
// MaxPathSegments long.
func parseQueryPath(s string) (Path, error) {
	p, err := ParsePath(s)
	if err == nil && p.Len() > MaxPathSegments {
		return Path{}, fmt.Errorf("field path of %d segments: at most %d", p.Len(), MaxPathSegments)
	}
	return p, err
}

// withinBound reports whether a list parameter has at most max entries,
// recording an error that names the bound when it has more.
func withinBound(list []string, name string, max int, errs *Errors) bool {
	if len(list) <= max {
		return true
	}
	*errs = append(*errs, Error{Path: name, Message: fmt.Sprintf("at most %d fields, got %d", max, len(list))})
	return false
}

// intParam reads an integer given as a number or as decimal text.
func intParam(v any) (int, bool) {
	if jsonnum.IsNumber(v) {
		n, ok := jsonnum.Int(v)
		if !ok || n > math.MaxInt32 || n < -math.MaxInt32 {
			return 0, false
		}
		return int(n), true
	}
	if x, ok := v.(string); ok {
		n, err := strconv.Atoi(strings.TrimSpace(x))
		if err != nil || n > math.MaxInt32 || n < math.MinInt32 {
			return 0, false
		}
		return n, true
	}
	return 0, false
}

func parseSort(list []string, errs *Errors) []Sort {
	out := make([]Sort, 0, len(list))
	for i, s := range list {
		desc := strings.HasPrefix(s, "-")
		name := strings.TrimPrefix(s, "-")
		path, err := parseQueryPath(name)
		if err != nil {
			*errs = append(*errs, Error{Path: fmt.Sprintf("sort[%d]", i), Message: err.Error()})
			continue
		}
		out = append(out, Sort{Field: path, Desc: desc})
	}
	return out
}

func parsePaths(list []string, name string, errs *Errors) []Path {
	out := make([]Path, 0, len(list))
	for i, s := range list {
		path, err := parseQueryPath(s)
		if err != nil {
			*errs = append(*errs, Error{Path: fmt.Sprintf("%s[%d]", name, i), Message: err.Error()})
			continue
		}
		out = append(out, path)
	}
	return out
}

func parseMeta(list []string, errs *Errors) Meta {
	var m Meta
	for _, s := range list {
		switch s {
		case "total_count":
			m.TotalCount = true
		case "filter_count":
			m.FilterCount = true
		case "*":
			m.TotalCount, m.FilterCount = true, true
		default:
			*errs = append(*errs, Error{Path: "meta", Message: fmt.Sprintf("unknown meta %q (known: total_count, filter_count, *)", s)})
		}
	}
	return m
}

// parseAggregate reads {"count": "*", "sum": "total,price", "max": ["a"]} or
// its JSON text. Results come out in a fixed function order, fields in the
// order written.
func parseAggregate(v any, errs *Errors) []Aggregate {
	if s, ok := v.(string); ok {
		decoded, err := decodeJSONParam(s)
		if err != nil {
			*errs = append(*errs, Error{Path: "aggregate", Message: err.Error()})
			return nil
		}
		v = decoded
	}
	m, ok := v.(map[string]any)
	if !ok {
		*errs = append(*errs, Error{Path: "aggregate", Message: `must be an object such as {"count": "*"}`})
		return nil
	}
	for k := range m {
		if !slices.Contains(aggregateFuncs, k) {
			*errs = append(*errs, Error{
				Path:    joinKey("aggregate", k),
				Message: "unknown aggregate function (known: " + strings.Join(aggregateFuncs, ", ") + ")",
			})
		}
	}
	lists := make(map[string][]string, len(aggregateFuncs))
	total := 0
	for _, fn := range aggregateFuncs {
		if fv, present := m[fn]; present && fv != nil {
			if list, ok := listParam(fv, joinKey("aggregate", fn), errs); ok {
				lists[fn] = list
				total += len(list)
			}
		}
	}
	if total > MaxAggregates {
		*errs = append(*errs, Error{
			Path:    "aggregate",
			Message: fmt.Sprintf("at most %d fields over all functions, got %d", MaxAggregates, total),
		})
		return nil
	}
	var out []Aggregate
	for _, fn := range aggregateFuncs {
		list, ok := lists[fn]
		if !ok {
			continue
		}
		path := joinKey("aggregate", fn)
		if len(list) == 0 {
			*errs = append(*errs, Error{Path: path, Message: "needs a field or *"})
		}
		for _, name := range list {
			if name == "*" {
				if fn != AggCount {
					*errs = append(*errs, Error{Path: path, Message: fn + " needs a field, not *"})
					continue
				}
				if len(list) > 1 {
					// count(*) is a number under "count", per-field counts an
					// object under the same key: one would hide the other.
					*errs = append(*errs, Error{
						Path:    path,
						Message: "count of * and of fields cannot be asked together: ask count=* and countDistinct, or count the fields alone",
					})
					continue
				}
				out = append(out, Aggregate{Func: fn, Name: "*"})
				continue
			}
			field, err := parseQueryPath(name)
			if err != nil {
				*errs = append(*errs, Error{Path: path, Message: err.Error()})
				continue
			}
			out = append(out, Aggregate{Func: fn, Field: &field, Name: name})
		}
	}
	return out
}
