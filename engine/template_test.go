package engine

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/hookflow/hookflow/operations"
)

var chain = map[string]any{
	"$trigger": map[string]any{
		"customer_id": "c_1",
		"total":       99.99,
		"count":       float64(3),
		"paid":        true,
		"note":        nil,
		"items":       []any{map[string]any{"sku": "a"}, map[string]any{"sku": "b"}},
		"headers":     map[string]any{"x-api-key": "k"},
		"quote":       "say \"hi\"\nbye",
		"nested":      map[string]any{"a": map[string]any{"b": 1.0}},
	},
	"$accountability": map[string]any{"user": "u1", "role": "admin"},
	"read_orders":     []any{map[string]any{"id": 7.0}},
}

func TestTemplateRender(t *testing.T) {
	t.Parallel()
	tests := []struct {
		src  string
		want any
	}{
		// Whole-string placeholders keep their type.
		{"{{$trigger.total}}", 99.99},
		{"{{ $trigger.total }}", 99.99},
		{"{{$trigger.paid}}", true},
		{"{{$trigger.items}}", chain["$trigger"].(map[string]any)["items"]},
		{"{{$trigger.items.length}}", 2.0},
		{"{{$trigger.items[1].sku}}", "b"},
		{"{{$trigger.items.0.sku}}", "a"},
		{`{{$trigger.headers["x-api-key"]}}`, "k"},
		{"{{read_orders.0.id}}", 7.0},
		{"{{$trigger.missing}}", nil},
		{"{{$trigger.note}}", nil},
		{"{{$CURRENT_USER}}", "u1"},
		{"{{$CURRENT_ROLE}}", "admin"},
		// Embedded placeholders become text.
		{"id={{$trigger.customer_id}}", "id=c_1"},
		{"{{$trigger.count}} items", "3 items"},
		{"total {{$trigger.total}} paid {{$trigger.paid}}", "total 99.99 paid true"},
		{"items: {{$trigger.items}}", `items: [{"sku":"a"},{"sku":"b"}]`},
		{"[{{$trigger.missing}}|{{$trigger.note}}]", "[|]"},
		{"no placeholders", "no placeholders"},
		{"{{$trigger.customer_id}}{{$trigger.customer_id}}", "c_1c_1"},
		// JSON documents are rendered JSON-safely.
		{`{"id": "{{$trigger.customer_id}}", "total": {{$trigger.total}}}`, `{"id": "c_1", "total": 99.99}`},
		{`{"text": "{{$trigger.quote}}"}`, `{"text": "say \"hi\"\nbye"}`},
		{`{"items": {{$trigger.items}}, "missing": {{$trigger.missing}}}`, `{"items": [{"sku":"a"},{"sku":"b"}], "missing": null}`},
		{`{"nested": "{{$trigger.nested}}"}`, `{"nested": "{\"a\":{\"b\":1}}"}`},
		{`[{{$trigger.count}}, "{{$trigger.quote}}"]`, `[3, "say \"hi\"\nbye"]`},
		// Not JSON once placeholders are values: plain text rules apply.
		{"[warn] {{$trigger.customer_id}}", "[warn] c_1"},
	}
	for _, tc := range tests {
		tmpl, err := ParseTemplate(tc.src)
		if err != nil {
			t.Errorf("%q: %v", tc.src, err)
			continue
		}
		got := render(t, tmpl, chain)
		if !jsonEqual(got, tc.want) {
			t.Errorf("%q rendered %#v, want %#v", tc.src, got, tc.want)
		}
	}
}

func TestJSONTemplateStaysValidWithHostileData(t *testing.T) {
	t.Parallel()
	tmpl, err := ParseTemplate(`{"a": "{{$trigger.evil}}", "b": {{$trigger.evil}}}`)
	if err != nil {
		t.Fatal(err)
	}
	for _, evil := range []any{`"}, "admin": true, "x": {"`, "line\nbreak\t\u0000", `\`, map[string]any{"k": `"`}, nil, 1e300} {
		out := render(t, tmpl, map[string]any{"$trigger": map[string]any{"evil": evil}}).(string)
		var v map[string]any
		if err := json.Unmarshal([]byte(out), &v); err != nil {
			t.Errorf("evil %#v broke the document: %s", evil, out)
			continue
		}
		if len(v) != 2 {
			t.Errorf("evil %#v injected keys: %s", evil, out)
		}
	}
}

func TestNowPlaceholders(t *testing.T) {
	t.Parallel()
	for _, src := range []string{"{{$NOW}}", "{{$NOW(-1 hour)}}", "{{ $NOW(+7 days) }}"} {
		tmpl, err := ParseTemplate(src)
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		s, _ := render(t, tmpl, nil).(string)
		got, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatalf("%s rendered %q: %v", src, s, err)
		}
		want := time.Now()
		switch {
		case strings.Contains(src, "-1 hour"):
			want = want.Add(-time.Hour)
		case strings.Contains(src, "+7 days"):
			want = want.AddDate(0, 0, 7)
		}
		if d := got.Sub(want); d > 5*time.Second || d < -5*time.Second {
			t.Errorf("%s = %s, want about %s", src, s, want.UTC())
		}
		if !strings.HasSuffix(s, "Z") {
			t.Errorf("%s = %s, want UTC", src, s)
		}
	}
}

func TestTemplateSyntaxErrors(t *testing.T) {
	t.Parallel()
	for _, src := range []string{"{{", "a {{ b", "{{}}", "{{   }}", "{{$trigger..a}}", "{{a[}}", "{{$NOW(-1 fortnight)}}"} {
		if _, err := ParseTemplate(src); err == nil {
			t.Errorf("%q: expected a syntax error", src)
		}
	}
}

func TestCompileValueReportsPaths(t *testing.T) {
	t.Parallel()
	_, errs := CompileValue(map[string]any{"a": []any{"ok", "{{ broken"}, "b": map[string]any{"c": "{{}}"}})
	if len(errs) != 2 || errs[0].Path != "a[1]" || errs[1].Path != "b.c" {
		t.Fatalf("findings = %v", errs)
	}
}

func TestCompileValueSharesConstants(t *testing.T) {
	t.Parallel()
	raw := map[string]any{"a": 1.0, "b": []any{"x"}}
	v, errs := CompileValue(raw)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if _, ok := IsConstant(v); !ok {
		t.Fatal("a value without placeholders must compile to a constant")
	}
}

func FuzzParseTemplate(f *testing.F) {
	for _, s := range []string{
		"{{a}}", "x {{ $trigger.a[0]['b'] }} y", `{"a": {{b}}, "c": "{{d}}"}`, "{{", "}}{{", "{{$NOW(-1 h)}}", `["{{a}}"`,
		"{{a}} }}", "{{a}}}", "{{ {{x }}", "{{ a b }}", "{{ a . b [ 'c d' ] }}", "{{ !@# }}",
	} {
		f.Add(s)
	}
	scope := map[string]any{"a": map[string]any{"b": []any{1.0, "x"}}, "$trigger": map[string]any{"a": []any{map[string]any{"b": `"q"`}}}}
	f.Fuzz(func(t *testing.T, src string) {
		tmpl, err := ParseTemplate(src)
		if err != nil {
			return
		}
		out, err := tmpl.Render(context.Background(), scope, operations.DefaultMaxRenderSize)
		if err != nil {
			t.Fatalf("%q: %v", src, err)
		}
		if tmpl.json {
			s, ok := out.(string)
			if !ok || !json.Valid([]byte(s)) {
				t.Fatalf("JSON template %q rendered invalid JSON %#v", src, out)
			}
		}
		// The text around placeholders is the source's, in order, and
		// holds no "{{" (every "{{" opens a placeholder).
		var literal strings.Builder
		rest := src
		for _, p := range append(tmpl.parts, placeholder{before: tmpl.tail}) {
			i := strings.Index(rest, p.before)
			if i < 0 || strings.Contains(p.before, openTag) {
				t.Fatalf("%q: text %q is not the source's", src, p.before)
			}
			rest = rest[i+len(p.before):]
			literal.WriteString(p.before)
		}
		// With nothing to resolve, plain text renders to that text.
		if !tmpl.json && !tmpl.whole && len(tmpl.parts) > 0 && !strings.Contains(src, "$NOW") {
			empty, err := tmpl.Render(context.Background(), nil, operations.DefaultMaxRenderSize)
			if err != nil || empty != literal.String() {
				t.Fatalf("%q rendered %#v with an empty chain, want %q", src, empty, literal.String())
			}
		}
	})
}

// render renders a template with the default limit.
func render(t testing.TB, tmpl *Template, chain map[string]any) any {
	t.Helper()
	out, err := tmpl.Render(context.Background(), chain, operations.DefaultMaxRenderSize)
	if err != nil {
		t.Fatalf("%s: %v", tmpl, err)
	}
	return out
}

func jsonEqual(a, b any) bool {
	ja, err1 := json.Marshal(a)
	jb, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && string(ja) == string(jb)
}

func TestEmbeddedNumbersMatchEncodingJSON(t *testing.T) {
	t.Parallel()
	for _, f := range []float64{0, 1, -1, 99.99, 0.1, 1e-6, 1.5e-7, 123456789012345678, 1e20, 1e21, 1e300, -2.5e-9, 3.0000000000000004} {
		want, _ := json.Marshal(f)
		if got := appendJSON(nil, f); string(got) != string(want) {
			t.Errorf("%v: got %s, want %s", f, got, want)
		}
	}
}

// TestNumbersRenderAsWritten: a number kept as json.Number (jsonnum) is
// written with its digits in text, in JSON strings and as a JSON value.
func TestNumbersRenderAsWritten(t *testing.T) {
	t.Parallel()
	scope := map[string]any{"$trigger": map[string]any{
		"a": json.Number("12345678901234567890"), "x": json.Number("0.1000000000000000055511151231257827"),
		"e": json.Number("1e400"), "list": []any{json.Number("1.0"), 2.5},
	}}
	for src, want := range map[string]any{
		"{{$trigger.a}}":                    json.Number("12345678901234567890"),
		"a={{$trigger.a}} x={{$trigger.x}}": "a=12345678901234567890 x=0.1000000000000000055511151231257827",
		"{{$trigger.e}}!":                   "1e400!",
		`{"a": {{$trigger.a}}, "s": "{{$trigger.x}}", "l": {{$trigger.list}}}`: `{"a": 12345678901234567890, "s": "0.1000000000000000055511151231257827", "l": [1.0,2.5]}`,
		"list: {{$trigger.list}}": "list: [1.0,2.5]",
	} {
		tmpl, err := ParseTemplate(src)
		if err != nil {
			t.Fatal(err)
		}
		got, err := tmpl.Render(context.Background(), scope, 1<<20)
		if err != nil || got != want {
			t.Errorf("%s: got %#v (%v), want %#v", src, got, err, want)
		}
	}
}

// TestUnclosedPlaceholderOffset: the error names the first `{{` that no
// `}}` closes.
func TestUnclosedPlaceholderOffset(t *testing.T) {
	t.Parallel()
	for src, offset := range map[string]string{
		"{{a":           "offset 0",
		"a {{b}} {{c":   "offset 8",
		"{{a}} {{b {{c": "offset 6",
		"x }} {{":       "offset 5",
	} {
		_, err := ParseTemplate(src)
		if err == nil || !strings.Contains(err.Error(), "unclosed") || !strings.Contains(err.Error(), offset) {
			t.Errorf("%q: got %v, want unclosed at %s", src, err, offset)
		}
	}
}
