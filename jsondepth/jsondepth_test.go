package jsondepth

import (
	"encoding/json"
	"strings"
	"testing"
)

func nest(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) }

func TestExceeds(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		raw  string
		max  int
		want bool
	}{
		{"scalar", `"x"`, 0, false},
		{"at the limit", nest(5), 5, false},
		{"one over", nest(6), 5, true},
		{"objects and arrays count alike", `{"a":[{"b":[1]}]}`, 3, true},
		{"siblings do not add up", `[[1],[2],[3]]`, 2, false},
		{"brackets in strings do not count", `["[[[[{{{{"]`, 1, false},
		{"escaped quote stays in the string", `["\"[[[["]`, 1, false},
		{"escaped backslash ends before the quote", `["\\",[[1]]]`, 2, true},
	} {
		if got := Exceeds(tc.raw, tc.max); got != tc.want {
			t.Errorf("%s: Exceeds(%s, %d) = %v", tc.name, tc.raw, tc.max, got)
		}
		if got := Exceeds([]byte(tc.raw), tc.max); got != tc.want {
			t.Errorf("%s: Exceeds(bytes) = %v", tc.name, got)
		}
	}
}

func TestWhere(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		raw  string
		max  int
		want string
	}{
		{`{"operations":[{"id":"a"},{"options":{"json":[[1]]}}]}`, 5, "operations[1].options.json[0]"},
		{`{"operations":[{"id":"a"},{"options":{"json":[[1]]}}]}`, 4, "operations[1].options.json"},
		{`[1,"a,b",[2],[[3]]]`, 2, "[3][0]"},
		{`{"a,b":1,"c\"d":{"e\u0041":[{}]}}`, 3, `c"d.eA[0]`},
		{`{"x":{"y":1},"z":{"w":{}}}`, 2, "z.w"},
		{nest(3), 0, ""},
	} {
		got, ok := Where([]byte(tc.raw), tc.max)
		if !ok || got != tc.want {
			t.Errorf("Where(%s, %d) = %q, %v; want %q", tc.raw, tc.max, got, ok, tc.want)
		}
	}
	if p, ok := Where([]byte(`{"a":[1,{"b":2}]}`), 3); ok {
		t.Errorf("within the limit: %q", p)
	}
}

// FuzzWhereAgreesWithExceeds: for valid JSON, Where finds a path exactly
// when Exceeds says the document is too deep.
func FuzzWhereAgreesWithExceeds(f *testing.F) {
	f.Add(`{"a":[{"b":"[\"]"}]}`, 2)
	f.Add(nest(10), 9)
	f.Fuzz(func(t *testing.T, raw string, max int) {
		if !json.Valid([]byte(raw)) || max < 0 || max > 64 {
			return
		}
		_, ok := Where([]byte(raw), max)
		if ok != Exceeds(raw, max) {
			t.Fatalf("Where says %v, Exceeds %v for %s at %d", ok, !ok, raw, max)
		}
	})
}
