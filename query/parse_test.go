package query

import (
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

func TestParseErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		filter string
		want   []Error // in order
	}{
		{"unknown operator", `{"type": {"_foo": 1}}`, []Error{{"type._foo", `unknown operator "_foo"`}}},
		{"many errors at once", `{
			"type": {"_foo": 1},
			"_and": [{"ok": 1}, {"email": {"_contains": {"a": 1}}}, 5],
			"n": {"_in": {"a": 1}},
			"d": {"_between": [1]},
			"r": {"_regex": "("},
			"z": {"_null": "maybe"}
		}`, []Error{
			{"_and[1].email._contains", "operand must be a string, a number or a boolean"},
			{"_and[2]", "must be a filter object"},
			{"d._between", `operand must be two bounds: [a, b] or "a,b"`},
			{"n._in", "operand must be a list or a comma-separated string"},
			{"r._regex", "invalid regular expression: error parsing regexp: missing closing ): `(`"},
			{"type._foo", `unknown operator "_foo"`},
			{"z._null", "operand must be true or false"},
		}},
		{"and not a list", `{"_and": {"a": 1}}`, []Error{{"_and", "must be a list of filters"}}},
		{"or item not an object", `{"_or": ["x"]}`, []Error{{"_or[0]", "must be a filter object"}}},
		{"operator at root", `{"_eq": 1}`, []Error{{"_eq", `operator _eq needs a field: {"field": {"_eq": …}}`}}},
		{"some at root", `{"_some": {}}`, []Error{{"_some", `_some needs an array field: {"items": {"_some": {…}}}`}}},
		{"some not object", `{"items": {"_some": [1]}}`, []Error{{"items._some", "must be a filter object"}}},
		{"error inside some", `{"items": {"_some": {"sku": {"_bad": 1}}}}`, []Error{{`items._some.sku._bad`, `unknown operator "_bad"`}}},
		{"empty field", `{"": 1}`, []Error{{`[""]`, "empty field name"}}},
		{"dotted field name in path", `{"a.b": {"_x": 1}}`, []Error{{`["a.b"]._x`, `unknown operator "_x"`}}},
		{"between comma with one bound", `{"n": {"_between": "1"}}`, []Error{{"n._between", `operand must be two bounds: [a, b] or "a,b"`}}},
		{"between object bound", `{"n": {"_between": [1, {}]}}`, []Error{{"n._between", `operand must be two bounds: [a, b] or "a,b"`}}},
		{"lt with object", `{"n": {"_lt": [1]}}`, []Error{{"n._lt", "operand must be a number, a string or a date"}}},
		{"lt with bool", `{"n": {"_gte": true}}`, []Error{{"n._gte", "operand must be a number, a string or a date"}}},
		{"starts_with null", `{"n": {"_starts_with": null}}`, []Error{{"n._starts_with", "operand must be a string or a number"}}},
		{"contains null", `{"n": {"_contains": null}}`, []Error{{"n._contains", "operand must be a string, a number or a boolean"}}},
		{"icontains bool", `{"n": {"_icontains": true}}`, []Error{{"n._icontains", "operand must be a string or a number"}}},
		{"regex object", `{"n": {"_regex": {}}}`, []Error{{"n._regex", "operand must be a regular expression string"}}},
		{"unknown operator in nested field", `{"a": {"b": {"_like": "x"}}}`, []Error{{"a.b._like", `unknown operator "_like"`}}},
		{"unknown operator inside or", `{"_or": [{"a": 1}, {"b": {"_eqq": 1}}]}`, []Error{{"_or[1].b._eqq", `unknown operator "_eqq"`}}},
		{"empty with number", `{"n": {"_empty": 1}}`, []Error{{"n._empty", "operand must be true or false"}}},
		{"submitted with string", `{"n": {"_submitted": "yes"}}`, []Error{{"n._submitted", "operand must be true or false"}}},
		{"bad now", `{"n": {"_gt": "$NOW(-1 fortnight)"}}`, []Error{{"n._gt", `$NOW(-1 fortnight): unknown unit "fortnight"`}}},
		{"bad now in list", `{"n": {"_between": ["$NOW", "$NOW(x)"]}}`, []Error{{"n._between[1]", `$NOW(x): expected an amount like "-1 hour"`}}},
		{"regex bad flag pattern", `{"n": {"_regex": "/(/i"}}`, []Error{{"n._regex", "invalid regular expression: error parsing regexp: missing closing ): `(?i)(`"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f, err := ParseFilter(decode(t, tt.filter), ParseOptions{})
			if f != nil {
				t.Errorf("got a filter along with errors")
			}
			var errs Errors
			if !errors.As(err, &errs) {
				t.Fatalf("error %v is not Errors", err)
			}
			if !reflect.DeepEqual([]Error(errs), tt.want) {
				t.Errorf("errors:\n got %q\nwant %q", errs, tt.want)
			}
			for _, e := range tt.want {
				if !strings.Contains(err.Error(), e.Path+": "+e.Message) {
					t.Errorf("Error() %q does not list %v", err.Error(), e)
				}
			}
		})
	}
}

func TestParseFilterNotObject(t *testing.T) {
	t.Parallel()
	for _, raw := range []any{nil, "x", 1.0, []any{}, true} {
		_, err := ParseFilter(raw, ParseOptions{})
		var errs Errors
		if !errors.As(err, &errs) || len(errs) != 1 || errs[0].Path != "" {
			t.Errorf("ParseFilter(%v) = %v", raw, err)
		}
	}
}

func TestAST(t *testing.T) {
	t.Parallel()
	f := mustFilter(t, `{"customer": {"name": {"_eq": "x"}, "age": {"_gt": 1}}, "_or": [{"a": 1}, {"b": "2,3"}], "items": {"_some": {"_eq": 2}}}`, ParseOptions{})
	root, ok := f.Root().(And)
	if !ok || len(root.Nodes) != 4 {
		t.Fatalf("root = %#v", f.Root())
	}
	// Sorted keys: _or, customer.age, customer.name, items.
	or, ok := root.Nodes[0].(Or)
	if !ok || len(or.Nodes) != 2 {
		t.Fatalf("node 0 = %#v", root.Nodes[0])
	}
	age := root.Nodes[1].(Cond)
	if age.Field.String() != "customer.age" || age.Op != "_gt" || age.Operand.Value(Env{}) != 1.0 || !age.Operand.IsStatic() {
		t.Errorf("age = %v %v %v", age.Field, age.Op, age.Operand.Value(Env{}))
	}
	name := root.Nodes[2].(Cond)
	if !reflect.DeepEqual(name.Field.Segments(), []string{"customer", "name"}) {
		t.Errorf("name field = %v", name.Field.Segments())
	}
	some := root.Nodes[3].(Some)
	inner := some.Filter.(Cond)
	if some.Field.String() != "items" || inner.Field.Len() != 0 || inner.Op != "_eq" {
		t.Errorf("some = %#v", some)
	}
	if b := or.Nodes[1].(Cond); b.Op != "_eq" || b.Operand.Value(Env{}) != "2,3" {
		t.Errorf("shorthand = %#v", b)
	}
	inList := mustFilter(t, `{"a": {"_in": "x, y"}}`, ParseOptions{}).Root().(Cond)
	if got := inList.Operand.Value(Env{}); !reflect.DeepEqual(got, []any{"x", "y"}) {
		t.Errorf("comma list operand = %#v, want it split", got)
	}
	if _, ok := mustFilter(t, `{}`, ParseOptions{}).Root().(And); !ok {
		t.Errorf("empty filter root is not And")
	}
}

// TestParseMaxConditions checks that a filter may hold MaxConditions
// conditions, _some and _none counted, and no more.
func TestParseMaxConditions(t *testing.T) {
	t.Parallel()
	build := func(n int) map[string]any {
		ors := make([]any, 0, n)
		ors = append(ors, map[string]any{"items": map[string]any{"_some": map[string]any{"sku": "a"}}}) // 2 conditions
		for i := 2; i < n; i++ {
			ors = append(ors, map[string]any{"n": map[string]any{"_eq": float64(i)}})
		}
		return map[string]any{"_or": ors}
	}
	checkFilterBound(t, build, MaxConditions, "more than 1000 conditions")
}

// TestParseMaxRegexes checks that a filter may hold MaxRegexes _regex
// conditions and no more.
func TestParseMaxRegexes(t *testing.T) {
	t.Parallel()
	build := func(n int) map[string]any {
		ors := make([]any, n)
		for i := range ors {
			ors[i] = map[string]any{"name": map[string]any{"_regex": "^a" + strconv.Itoa(i)}}
		}
		return map[string]any{"_or": ors}
	}
	checkFilterBound(t, build, MaxRegexes, "more than 32 _regex conditions")
}

// checkFilterBound checks that ParseFilter takes the filter build makes of
// limit conditions and refuses the one of limit+1 with an error that says
// want.
func checkFilterBound(t *testing.T, build func(n int) map[string]any, limit int, want string) {
	t.Helper()
	if _, err := ParseFilter(build(limit), ParseOptions{}); err != nil {
		t.Errorf("%d conditions: %v", limit, err)
	}
	_, err := ParseFilter(build(limit+1), ParseOptions{})
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("%d conditions: %v, want an error saying %q", limit+1, err, want)
	}
}
