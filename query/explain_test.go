package query

import (
	"reflect"
	"strings"
	"testing"
)

func TestExplain(t *testing.T) {
	t.Parallel()
	item := `{"type": "event", "total": 5, "email": "", "items": [{"sku": "a"}], "tag": "x"}`
	tests := []struct {
		name, filter string
		want         []Mismatch
	}{
		{"eq", `{"type": {"_eq": "order"}}`, []Mismatch{
			{Field: "type", Operator: "_eq", Expected: "order", Actual: "event", Message: `type must equal "order"`},
		}},
		{"all failing siblings", `{"type": "order", "total": {"_gte": 10}, "email": {"_nempty": true}, "missing": {"_contains": "x"}}`, []Mismatch{
			{Field: "email", Operator: "_nempty", Expected: true, Actual: "", Message: "email must not be empty"},
			{Field: "missing", Operator: "_contains", Expected: "x", Actual: nil, Message: `missing must contain "x"`},
			{Field: "total", Operator: "_gte", Expected: 10.0, Actual: 5.0, Message: "total must be greater than or equal to 10"},
			{Field: "type", Operator: "_eq", Expected: "order", Actual: "event", Message: `type must equal "order"`},
		}},
		{"or failing lists alternatives", `{"_or": [{"type": "a"}, {"tag": {"_in": "y,z"}}]}`, []Mismatch{
			{Field: "type", Operator: "_eq", Expected: "a", Actual: "event", Message: `type must equal "a"`},
			{Field: "tag", Operator: "_in", Expected: []any{"y", "z"}, Actual: "x", Message: `tag must be one of ["y","z"]`},
		}},
		{"or passing branch drops mismatches", `{"_and": [{"_or": [{"type": "a"}, {"type": "event"}]}, {"tag": "q"}]}`, []Mismatch{
			{Field: "tag", Operator: "_eq", Expected: "q", Actual: "x", Message: `tag must equal "q"`},
		}},
		{"null false", `{"nope": {"_null": false}}`, []Mismatch{
			{Field: "nope", Operator: "_null", Expected: false, Message: "nope must not be null"},
		}},
		{"empty", `{"type": {"_empty": true}}`, []Mismatch{
			{Field: "type", Operator: "_empty", Expected: true, Actual: "event", Message: "type must be empty"},
		}},
		{"submitted", `{"nope": {"_submitted": true}}`, []Mismatch{
			{Field: "nope", Operator: "_submitted", Expected: true, Message: "nope must be submitted"},
		}},
		{"between", `{"total": {"_between": [10, 20]}}`, []Mismatch{
			{Field: "total", Operator: "_between", Expected: []any{10.0, 20.0}, Actual: 5.0, Message: "total must be between 10 and 20"},
		}},
		{"icontains", `{"type": {"_nicontains": "EV"}}`, []Mismatch{
			{Field: "type", Operator: "_nicontains", Expected: "EV", Actual: "event", Message: `type must not contain "EV" (case-insensitive)`},
		}},
		{"html stays readable", `{"type": {"_eq": "<a&b>"}}`, []Mismatch{
			{Field: "type", Operator: "_eq", Expected: "<a&b>", Actual: "event", Message: `type must equal "<a&b>"`},
		}},
		{"some", `{"items": {"_some": {"sku": "b"}}}`, []Mismatch{
			{Field: "items", Operator: "_some", Actual: []any{map[string]any{"sku": "a"}}, Message: "items must have an element matching the filter"},
		}},
		{"none on non-array", `{"type": {"_none": {"_eq": "x"}}}`, []Mismatch{
			{Field: "type", Operator: "_none", Actual: "event", Message: "type must have no element matching the filter (it is not an array)"},
		}},
		{"nested field name", `{"a": {"b": {"_eq": 1}}}`, []Mismatch{
			{Field: "a.b", Operator: "_eq", Expected: 1.0, Message: "a.b must equal 1"},
		}},
		{"pass", `{"type": "event"}`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := mustFilter(t, tt.filter, ParseOptions{})
			m := decode(t, item)
			ok, got := f.Explain(func(k string) (any, bool) { v, ok := m[k]; return v, ok }, Env{})
			if ok != (tt.want == nil) {
				t.Errorf("ok = %v", ok)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("mismatches:\n got %#v\nwant %#v", got, tt.want)
			}
		})
	}
}

func TestExplainDynamicInvalid(t *testing.T) {
	t.Parallel()
	f := mustFilter(t, `{"a": {"_between": "{{x}}"}}`, dynamicOpts())
	ok, mm := f.Explain(func(string) (any, bool) { return 1.0, true }, Env{Scope: map[string]any{"x": "1"}})
	if ok || len(mm) != 1 || !strings.Contains(mm[0].Message, "invalid operand") || mm[0].Expected != "1" {
		t.Errorf("Explain = %v %#v", ok, mm)
	}
}
