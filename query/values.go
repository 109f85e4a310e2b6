package query

import (
	"cmp"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// maxBracketDepth bounds `filter[a][b]…` nesting; real filters are shallow.
const maxBracketDepth = 32

// objectParams are the parameters whose value is an object; listParams
// those whose value is a list.
var (
	objectParams = map[string]bool{"filter": true, "aggregate": true}
	listParams   = map[string]bool{"fields": true, "sort": true, "meta": true, "groupBy": true}
)

// listOperators hold lists in a filter: in bracket form their items are
// written `filter[_or][0][…]` or `filter[id][_in][]=1`, and an object with
// index keys (0, 1, … in their order, gaps allowed) under them becomes an
// array.
var listOperators = map[string]bool{
	"_and": true, "_or": true, "_in": true, "_nin": true, "_between": true, "_nbetween": true,
}

// ParseValues turns URL query parameters into the object ParseParams reads,
// accepting both forms the Directus SDK and hand-written URLs use:
//
//	filter={"status":{"_eq":"active"}}    JSON text (kept as a string)
//	filter[status][_eq]=active            bracket form (nested objects)
//	filter[_or][0][a][_eq]=1              numbered items of _and/_or/_in/… become arrays
//	fields=id,name  fields[]=id  fields=id&fields=name
//	aggregate[count]=*
//
// Parameters ParseParams does not read are left out, so requests may carry
// others. Giving one parameter both as text and in bracket form, repeating
// a single-valued parameter or malformed brackets are errors.
func ParseValues(values url.Values) (map[string]any, error) {
	out := map[string]any{}
	var errs Errors
	fail := func(path, format string, args ...any) {
		errs = append(errs, Error{Path: path, Message: fmt.Sprintf(format, args...)})
	}
	plain := map[string]bool{}
	for _, key := range slices.Sorted(maps.Keys(values)) {
		vs := values[key]
		name, segs, err := splitBrackets(key)
		if !paramNames[name] {
			continue
		}
		if err != nil {
			fail(name, "%v in %q", err, key)
			continue
		}
		if len(segs) == 0 {
			plain[name] = true
			switch {
			case listParams[name]:
				out[name] = appendStrings(out[name], vs)
			case len(vs) > 1:
				fail(name, "is given %d times", len(vs))
			default:
				out[name] = vs[0]
			}
			continue
		}
		if plain[name] && !listParams[name] {
			fail(name, "is given both as a value and in bracket form")
			continue
		}
		if listParams[name] {
			// fields[]=id, fields[0]=id: the brackets only number the items.
			if len(segs) > 1 {
				fail(name, "takes a list: %s[]=a or %s=a,b", name, name)
				continue
			}
			out[name] = appendStrings(out[name], vs)
			continue
		}
		if !objectParams[name] {
			fail(name, "takes a single value, not brackets")
			continue
		}
		if name == "filter" {
			if path, msg := singleValueProblem(segs, len(vs)); msg != "" {
				fail(path, "%s %s", key, msg)
				continue
			}
		}
		root, _ := out[name].(map[string]any)
		if root == nil {
			root = map[string]any{}
			out[name] = root
		}
		if err := setBracket(root, segs, vs); err != nil {
			fail(name, "%s: %v", key, err)
		}
	}
	for _, name := range []string{"filter", "aggregate"} {
		if m, ok := out[name].(map[string]any); ok {
			out[name] = listsFromIndexes(m)
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return out, nil
}

// singleValueProblem reports why a bracket-form filter key cannot take its
// values, with the key's path (filter.a._eq): an operator that takes one
// value (all but _in, _nin, _between, _nbetween) or a field's shorthand
// for _eq given more than once (filter[a][_eq]=x&filter[a][_eq]=y would
// compare a with the list [x, y] and match nothing), or written with more
// brackets after it (filter[a][_eq][]=x). Lists of values go in the list
// operators; objects and lists to compare with, as JSON.
func singleValueProblem(segs []string, values int) (path, msg string) {
	path = "filter"
	op := "the shorthand for _eq"
	for i, seg := range segs {
		// Paths as ParseFilter writes them: filter._or[0].items.0.sku.
		if i > 0 && listOperators[segs[i-1]] && (seg == "" || parseIndex(seg) >= 0) {
			path += "[" + seg + "]"
		} else {
			path = joinKey(path, seg)
		}
		info := opsByName[seg]
		if info == nil {
			continue
		}
		rest := segs[i+1:]
		if info.kind == kindIn || info.kind == kindBetween {
			// filter[a][_in]=x&filter[a][_in]=y, filter[a][_in][]=x, and
			// filter[a][_in][0]=x (one value each)
			if len(rest) == 0 || len(rest) == 1 && rest[0] == "" {
				return "", ""
			}
			if len(rest) > 1 || parseIndex(rest[0]) < 0 {
				return path, "writes the values of " + seg + " with more brackets than " +
					seg + "[]=a or " + seg + "[0]=a"
			}
			path += "[" + rest[0] + "]"
			op = "an item of " + seg
			break
		}
		if len(rest) > 0 {
			return path, "has brackets after " + seg + ", which takes one value " +
				"(an object or a list to compare with is written as JSON: filter={…})"
		}
		op = seg
		break
	}
	if values > 1 {
		return path, fmt.Sprintf("is given %d times, and %s takes one value "+
			"(a list of values is _in: filter[field][_in]=a,b)", values, op)
	}
	return "", ""
}

// splitBrackets splits `filter[a][b]` into "filter" and [a b]. `[]` is an
// empty segment (append).
func splitBrackets(key string) (string, []string, error) {
	i := strings.IndexByte(key, '[')
	if i < 0 {
		return key, nil, nil
	}
	name, rest := key[:i], key[i:]
	var segs []string
	for rest != "" {
		if rest[0] != '[' {
			return name, nil, fmt.Errorf("unexpected %q after ]", rest[0])
		}
		end := strings.IndexByte(rest, ']')
		if end < 0 {
			return name, nil, fmt.Errorf("unclosed [")
		}
		segs = append(segs, rest[1:end])
		rest = rest[end+1:]
		if len(segs) > maxBracketDepth {
			return name, nil, fmt.Errorf("more than %d levels of brackets", maxBracketDepth)
		}
	}
	return name, segs, nil
}

// setBracket stores values at segs inside m. An empty segment appends to a
// list; a repeated key collects its values into a list.
func setBracket(m map[string]any, segs []string, vs []string) error {
	var cur any = m
	for i, seg := range segs {
		last := i == len(segs)-1
		obj, ok := cur.(map[string]any)
		if !ok {
			return fmt.Errorf("%q is both a value and an object", strings.Join(segs[:i], "]["))
		}
		if last && seg == "" {
			for _, v := range vs { // key[]=a&key[]=b: one item each
				obj[strconv.Itoa(appendIndex(obj))] = v
			}
			return nil
		}
		if seg == "" {
			seg = strconv.Itoa(appendIndex(obj))
		}
		if last {
			obj[seg] = appendStrings(obj[seg], vs)
			return nil
		}
		next, exists := obj[seg]
		if !exists {
			next = map[string]any{}
			obj[seg] = next
		}
		cur = next
	}
	return nil
}

// appendIndex is the next free numeric key of an object built from `[]`.
func appendIndex(m map[string]any) int {
	n := 0
	for {
		if _, used := m[strconv.Itoa(n)]; !used {
			return n
		}
		n++
	}
}

// appendStrings adds values to a parameter, making it a list when it holds
// more than one.
func appendStrings(prev any, vs []string) any {
	var list []any
	switch p := prev.(type) {
	case nil:
	case []any:
		list = p
	default:
		list = []any{p}
	}
	for _, v := range vs {
		list = append(list, v)
	}
	if len(list) == 1 {
		return list[0]
	}
	return list
}

// listsFromIndexes turns the objects under list operators whose keys are
// all indexes into arrays, everywhere in a bracket-form filter.
func listsFromIndexes(v any) any {
	m, ok := v.(map[string]any)
	if !ok {
		if list, isList := v.([]any); isList {
			for i := range list {
				list[i] = listsFromIndexes(list[i])
			}
		}
		return v
	}
	for k, child := range m {
		child = listsFromIndexes(child)
		if listOperators[k] {
			if cm, isObj := child.(map[string]any); isObj {
				if list, ok := indexedList(cm); ok {
					child = list
				}
			}
		}
		m[k] = child
	}
	return m
}

// indexedList returns m's values in the order of its keys when every key
// is an index. Indexes may leave gaps (filter[_or][0]…&filter[_or][2]…,
// as a client that dropped an entry writes them): like the qs library
// Directus parses queries with, the list keeps the items in order.
func indexedList(m map[string]any) ([]any, bool) {
	type entry struct {
		i int
		v any
	}
	entries := make([]entry, 0, len(m))
	for k, v := range m {
		i := parseIndex(k)
		if i < 0 {
			return nil, false
		}
		entries = append(entries, entry{i, v})
	}
	slices.SortFunc(entries, func(a, b entry) int { return cmp.Compare(a.i, b.i) })
	list := make([]any, len(entries))
	for n, e := range entries {
		list[n] = e.v
	}
	return list, true
}
