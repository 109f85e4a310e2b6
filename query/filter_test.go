package query

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hookflow/hookflow/jsonnum"
)

func decode(t testing.TB, s string) map[string]any {
	t.Helper()
	m, err := jsonnum.DecodeObject([]byte(s))
	if err != nil {
		t.Fatalf("bad JSON %s: %v", s, err)
	}
	return m
}

func mustFilter(t testing.TB, s string, opts ParseOptions) *Filter {
	t.Helper()
	f, err := ParseFilter(decode(t, s), opts)
	if err != nil {
		t.Fatalf("ParseFilter(%s): %v", s, err)
	}
	return f
}

func TestSharedCases(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for _, c := range SharedCases {
		if seen[c.Name] {
			t.Errorf("duplicate case name %q", c.Name)
		}
		seen[c.Name] = true
		t.Run(c.Name, func(t *testing.T) {
			t.Parallel()
			f := mustFilter(t, c.Filter, ParseOptions{})
			item := decode(t, c.Item)
			if got := MatchValue(item, f, CaseEnv); got != c.Want {
				t.Errorf("filter %s: got %v, want %v", c.Filter, got, c.Want)
			}
			ok, mm := f.Explain(func(k string) (any, bool) { v, ok := item[k]; return v, ok }, CaseEnv)
			if ok != c.Want || (ok && mm != nil) || (!ok && len(mm) == 0) {
				t.Errorf("Explain = %v %v, want %v with mismatches iff failing", ok, mm, c.Want)
			}
		})
	}
}

// TestSharedCasesCoverOperators keeps the shared table honest: every
// operator has a passing, a failing and a missing-field case.
func TestSharedCasesCoverOperators(t *testing.T) {
	t.Parallel()
	type cover struct{ pass, fail, missing bool }
	got := map[string]*cover{}
	for _, c := range SharedCases {
		for op := range strings.SplitSeq(c.Filter, `"`) {
			if !IsOperator(op) {
				continue
			}
			cv := got[op]
			if cv == nil {
				cv = &cover{}
				got[op] = cv
			}
			if c.Want {
				cv.pass = true
			} else {
				cv.fail = true
			}
			if strings.Contains(c.Filter, `"missing"`) {
				cv.missing = true
			}
		}
	}
	for _, info := range opTable {
		c := got[info.name]
		if c == nil || !c.pass || !c.fail || !c.missing {
			t.Errorf("%s: coverage %+v, want pass, fail and missing cases", info.name, c)
		}
	}
	for _, op := range []string{"_and", "_or", "_some", "_none"} {
		if c := got[op]; c == nil || !c.pass || !c.fail {
			t.Errorf("%s: coverage %+v", op, c)
		}
	}
}

// tmpl is a stand-in for the engine's compiled templates: "{{ key }}" reads
// key from a map scope.
type tmpl string

func (d tmpl) Resolve(scope any) any {
	m, _ := scope.(map[string]any)
	return m[string(d)]
}

func dynamicOpts() ParseOptions {
	return ParseOptions{Dynamic: func(s string) (Dynamic, error) {
		inner, ok := strings.CutPrefix(s, "{{")
		inner, ok2 := strings.CutSuffix(inner, "}}")
		if !ok || !ok2 || strings.TrimSpace(inner) == "" {
			return nil, fmt.Errorf("bad template %q", s)
		}
		return tmpl(strings.TrimSpace(inner)), nil
	}}
}

func TestDynamicOperands(t *testing.T) {
	t.Parallel()
	now := time.Date(2024, 3, 15, 12, 0, 0, 0, time.UTC)
	env := Env{
		Now:   now,
		Scope: map[string]any{"secret": "s3cr3t", "list": []any{"a", "b"}, "csv": "x,y", "lo": 1.0, "re": "^s3", "bad": map[string]any{}},
		User:  "u1", Role: "admin",
	}
	item := `{"key": "s3cr3t", "owner": "u1", "role": "admin", "created": "2024-03-15T11:30:00Z", "old": "2024-03-01T00:00:00Z", "tag": "y", "n": 2, "lit": "{{secret}}"}`
	tests := []struct {
		name, filter string
		opts         ParseOptions
		want         bool
	}{
		{"template eq", `{"key": {"_eq": "{{secret}}"}}`, dynamicOpts(), true},
		{"template without Dynamic is literal", `{"lit": {"_eq": "{{secret}}"}}`, ParseOptions{}, true},
		{"template in list", `{"tag": {"_in": ["{{secret}}", "y"]}}`, dynamicOpts(), true},
		{"template resolving to list", `{"tag": {"_in": "{{list}}"}}`, dynamicOpts(), false},
		{"template resolving to comma string", `{"tag": {"_in": "{{csv}}"}}`, dynamicOpts(), true},
		{"template bound", `{"n": {"_between": ["{{lo}}", 3]}}`, dynamicOpts(), true},
		{"template regex", `{"key": {"_regex": "{{re}}"}}`, dynamicOpts(), true},
		{"template unusable operand fails", `{"key": {"_in": "{{bad}}"}}`, dynamicOpts(), false},
		{"template missing resolves to null", `{"key": {"_eq": "{{nope}}"}}`, dynamicOpts(), false},
		{"current user", `{"owner": {"_eq": "$CURRENT_USER"}}`, ParseOptions{}, true},
		{"current role", `{"role": "$CURRENT_ROLE"}`, ParseOptions{}, true},
		{"now minus 1 hour", `{"created": {"_gte": "$NOW(-1 hour)"}}`, ParseOptions{}, true},
		{"now minus 20 min", `{"created": {"_gte": "$NOW(-20 min)"}}`, ParseOptions{}, false},
		{"now", `{"created": {"_lt": "$NOW"}}`, ParseOptions{}, true},
		{"between now bounds", `{"created": {"_between": ["$NOW(-1 day)", "$NOW"]}}`, ParseOptions{}, true},
		{"between now comma", `{"old": {"_between": "$NOW(-1 day),$NOW"}}`, ParseOptions{}, false},
		{"nbetween now comma", `{"old": {"_nbetween": "$NOW(-1 day), $NOW"}}`, ParseOptions{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := mustFilter(t, tt.filter, tt.opts)
			if got := MatchValue(decode(t, item), f, env); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}

	// A template that does not compile is a parse finding.
	_, err := ParseFilter(decode(t, `{"a": {"_eq": "{{ }}"}}`), dynamicOpts())
	var errs Errors
	if !errors.As(err, &errs) || len(errs) != 1 || errs[0].Path != "a._eq" {
		t.Errorf("template error = %v", err)
	}
}

func TestNowOperandValue(t *testing.T) {
	t.Parallel()
	now := time.Date(2024, 3, 15, 12, 0, 0, 123456789, time.FixedZone("X", 3600))
	c := mustFilter(t, `{"a": {"_gt": "$NOW(-1 hour)"}}`, ParseOptions{}).Root().(Cond)
	if c.Operand.IsStatic() {
		t.Errorf("$NOW operand is static")
	}
	if got := c.Operand.Value(Env{Now: now}); got != "2024-03-15T10:00:00.123Z" {
		t.Errorf("Value = %v", got)
	}
	// Without Env.Now the clock is read.
	v, _ := c.Operand.Value(Env{}).(string)
	ts, err := time.Parse(time.RFC3339, v)
	if err != nil || time.Since(ts) < 59*time.Minute || time.Since(ts) > 61*time.Minute {
		t.Errorf("Value without Now = %q", v)
	}
	f := mustFilter(t, `{"a": {"_gt": "$NOW(-1 hour)"}}`, ParseOptions{})
	if !MatchValue(map[string]any{"a": FormatTime(time.Now())}, f, Env{}) {
		t.Errorf("now does not pass $NOW(-1 hour)")
	}
}

func TestHandBuiltAST(t *testing.T) {
	t.Parallel()
	// A Cond built by hand (no parser) must still evaluate.
	f := &Filter{root: Or{Nodes: []Node{
		&Cond{Field: MustParsePath("a.b"), Op: "_gt"},
		Cond{Field: MustParsePath("a.b"), Op: "_eq", Operand: Operand{value: "x"}},
	}}}
	if !MatchValue(map[string]any{"a": map[string]any{"b": "x"}}, f, Env{}) {
		t.Errorf("hand-built filter does not match")
	}
	bad := &Filter{root: Cond{Field: MustParsePath("a"), Op: "_nope"}}
	ok, mm := bad.Explain(func(string) (any, bool) { return 1.0, true }, Env{})
	if ok || len(mm) != 1 {
		t.Errorf("unknown op = %v %v", ok, mm)
	}
	var nilFilter *Filter
	if !nilFilter.Match(nil, Env{}) {
		t.Errorf("nil filter does not match")
	}
	if !mustFilter(t, `{"a": {"_null": true}}`, ParseOptions{}).Match(nil, Env{}) {
		t.Errorf("nil subject: field is not missing")
	}
}

func TestGoValues(t *testing.T) {
	t.Parallel()
	item := map[string]any{
		"i": 5, "i64": int64(5), "n": json.Number("5"), "u": uint8(5), "f32": float32(2.5),
		"strs": []string{"a", "b"}, "objs": []map[string]any{{"k": "v"}}, "ms": map[string]string{"k": "v"},
	}
	for _, filter := range []string{
		`{"i": 5}`, `{"i64": "5"}`, `{"n": 5}`, `{"n": {"_gt": 4}}`, `{"u": {"_in": [5]}}`, `{"f32": {"_lt": 3}}`,
		`{"i": {"_starts_with": "5"}}`, `{"strs": {"_contains": "b"}}`, `{"strs": {"_some": {"_eq": "a"}}}`,
		`{"objs": {"_some": {"k": "v"}}}`, `{"ms": {"k": "v"}}`, `{"strs": {"length": 2}}`, `{"ms": {"_nempty": true}}`,
	} {
		if !MatchValue(item, mustFilter(t, filter, ParseOptions{}), Env{}) {
			t.Errorf("%s does not match Go values", filter)
		}
	}
}

func FuzzParseFilter(f *testing.F) {
	for _, c := range SharedCases {
		f.Add(c.Filter)
	}
	for _, s := range []string{
		`{"a": {"_eq": "{{x}}"}}`, `{"a": {"_between": "$NOW(-1 d),$NOW"}}`, `{"a": {"_regex": "/x/i"}}`,
		`{"_and": [{"_or": [{}]}]}`, `{"a": {"_some": {"_some": {"_eq": 1}}}}`, `{"a": "$CURRENT_USER"}`,
	} {
		f.Add(s)
	}
	item := decode(f, sample)
	env := Env{Now: time.Date(2024, 3, 15, 0, 0, 0, 0, time.UTC), Scope: map[string]any{"x": []any{1.0, "a"}}, User: "u"}
	opts := []ParseOptions{{}, dynamicOpts()}
	f.Fuzz(func(t *testing.T, s string) {
		raw, err := jsonnum.Decode([]byte(s))
		if err != nil {
			return
		}
		for _, o := range opts {
			flt, err := ParseFilter(raw, o)
			if err != nil {
				if flt != nil {
					t.Fatalf("filter and error")
				}
				var errs Errors
				if !errors.As(err, &errs) || len(errs) == 0 {
					t.Fatalf("error %v is not Errors", err)
				}
				continue
			}
			got := MatchValue(item, flt, env)
			ok, mm := flt.Explain(func(k string) (any, bool) { v, ok := item[k]; return v, ok }, env)
			if ok != got || (!ok && len(mm) == 0) {
				t.Fatalf("Match %v, Explain %v %v", got, ok, mm)
			}
			// The subject may also be the whole value in element context.
			MatchValue(map[string]any{"a": raw}, flt, env)
		}
	})
}

func BenchmarkMatchEq(b *testing.B) {
	f := mustFilter(b, `{"type": {"_eq": "order"}}`, ParseOptions{})
	item := decode(b, `{"type": "order", "customer_id": "c_1", "total": 99.99, "items": [{"sku": "a"}]}`)
	b.ReportAllocs()
	for b.Loop() {
		if !MatchValue(item, f, Env{}) {
			b.Fatal("no match")
		}
	}
}

func BenchmarkMatchSubject(b *testing.B) {
	f := mustFilter(b, `{"type": {"_eq": "order"}, "total": {"_gt": 10}, "email": {"_iends_with": "@EXAMPLE.com"}, "items": {"_some": {"sku": {"_in": "a,b"}}}}`, ParseOptions{})
	item := decode(b, `{"type": "order", "email": "zoe@example.com", "total": 99.99, "items": [{"sku": "x"}, {"sku": "b"}]}`)
	subject := func(k string) (any, bool) { v, ok := item[k]; return v, ok }
	b.ReportAllocs()
	for b.Loop() {
		if !f.Match(subject, Env{}) {
			b.Fatal("no match")
		}
	}
}

func BenchmarkParseFilter(b *testing.B) {
	raw := decode(b, `{"type": {"_eq": "order"}, "total": {"_gt": 10}, "_or": [{"a": {"_in": "x,y"}}, {"b": {"_regex": "^a"}}]}`)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseFilter(raw, ParseOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestConcurrentMatch checks (under -race) that a parsed filter is shared
// safely, as compiled flows share it between runs.
func TestConcurrentMatch(t *testing.T) {
	t.Parallel()
	f := mustFilter(t, `{"email": {"_regex": "/EXAMPLE/i"}, "name": {"_icontains": "zoë"}, "created": {"_lt": "$NOW"}}`, ParseOptions{})
	item := decode(t, sample)
	done := make(chan bool)
	for range 4 {
		go func() {
			ok := true
			for range 100 {
				ok = ok && MatchValue(item, f, Env{})
			}
			done <- ok
		}()
	}
	for range 4 {
		if !<-done {
			t.Errorf("concurrent match failed")
		}
	}
}
