package engine

import (
	"strings"
	"testing"
)

func TestTextOutsidePlaceholdersIsKept(t *testing.T) {
	t.Parallel()
	scope := map[string]any{"$trigger": map[string]any{"a": 1.0, "s": "x"}}
	tests := []struct{ src, want string }{
		{"{{$trigger.a}} }}", "1 }}"},
		{"{{$trigger.a}}}", "1}"},
		{"{{$trigger.a}}}}", "1}}"},
		{"}}{{$trigger.a}}", "}}1"},
		{"{ {{$trigger.a}} }", "{ 1 }"},
		{"{{$trigger.s}}{{$trigger.s}}}", "xx}"},
		{"a }} b {{$trigger.s}}", "a }} b x"},
		{" {{$trigger.a}}", " 1"},
	}
	for _, tc := range tests {
		tmpl, err := ParseTemplate(tc.src)
		if err != nil {
			t.Errorf("%q: %v", tc.src, err)
			continue
		}
		if got := render(t, tmpl, scope); got != tc.want {
			t.Errorf("%q rendered %#v, want %q", tc.src, got, tc.want)
		}
	}
}

func TestPlaceholderContentMustBeAPath(t *testing.T) {
	t.Parallel()
	tests := []struct{ src, message string }{
		{"{{ a b }}", `white space inside a name (quote a key with spaces as ["a b"])`},
		{"{{ !@# }}", `unexpected '!'`},
		{"{{ {{x }}", `opens a placeholder inside another`},
		{"x {{ {{$trigger.a}} }}", `opens a placeholder inside another`},
		{`{{ "a" }}`, `outside brackets`},
		{"{{ $trigger.body.first name }}", `["first name"]`},
		{"{{ $trigger.a + 1 }}", `unexpected '+'`},
		{"{{ $trigger.a | upper }}", `unexpected '|'`},
		{"{{ a[b c] }}", "white space inside a name"},
		{`{{ a["b }}`, "unclosed quote"},
		{"{{ a] }}", "unexpected ']'"},
		{"{{ $NOW (-1 hour) }}", "unexpected '('"},
		{"{{ $CURRENT_USER.id x }}", "white space"},
	}
	for _, tc := range tests {
		_, err := ParseTemplate(tc.src)
		if err == nil || !strings.Contains(err.Error(), tc.message) {
			t.Errorf("%q: got %v, want an error containing %q", tc.src, err, tc.message)
		}
	}
}

func TestPlaceholderPathForms(t *testing.T) {
	t.Parallel()
	scope := map[string]any{
		"$trigger": map[string]any{
			"a":       map[string]any{"b": 1.0, "b c": 2.0, "$x": 3.0},
			"items":   []any{map[string]any{"sku": "s"}},
			"headers": map[string]any{"x-api-key": "k"},
			"prénom":  "Zoé",
			"@type":   "Order",
		},
		"read-orders":     []any{map[string]any{"id": 7.0}},
		"$accountability": map[string]any{"user": "u"},
	}
	tests := []struct {
		src  string
		want any
	}{
		{"{{$trigger.a.b}}", 1.0},
		{"{{ $trigger . a . b }}", 1.0}, // white space next to dots, as Directus reads it
		{"{{ $trigger.a[ \"b c\" ] }}", 2.0},
		{"{{ $trigger.a['b c'] }}", 2.0},
		{"{{$trigger.a.$x}}", 3.0},
		{"{{ $trigger.items[0].sku }}", "s"},
		{"{{ $trigger.items [ 0 ] . sku }}", "s"},
		{"{{$trigger.items.0.sku}}", "s"},
		{"{{$trigger.items.length}}", 1.0},
		{`{{$trigger.headers["x-api-key"]}}`, "k"},
		{"{{$trigger.headers.x-api-key}}", "k"},
		{"{{read-orders.0.id}}", 7.0},
		{"{{$trigger.prénom}}", "Zoé"},
		{`{{$trigger["@type"]}}`, "Order"},
		{`{{$trigger.a["b \" c"]}}`, nil},
		{"{{$CURRENT_USER}}", "u"},
		{"{{ $trigger.missing }}", nil},
	}
	for _, tc := range tests {
		tmpl, err := ParseTemplate(tc.src)
		if err != nil {
			t.Errorf("%q: %v", tc.src, err)
			continue
		}
		if got := render(t, tmpl, scope); !jsonEqual(got, tc.want) {
			t.Errorf("%q rendered %#v, want %#v", tc.src, got, tc.want)
		}
	}
	for _, src := range []string{"{{$NOW}}", "{{ $NOW(-1 hour) }}", "{{$CURRENT_ROLE}}"} {
		if _, err := ParseTemplate(src); err != nil {
			t.Errorf("%q: %v", src, err)
		}
	}
}

func TestPlaceholderErrorsNameTheOptionPath(t *testing.T) {
	t.Parallel()
	_, errs := CompileValue(map[string]any{"x": "{{ a b }}", "y": []any{"ok {{ !@# }}"}})
	if len(errs) != 2 || errs[0].Path != "x" || errs[1].Path != "y[0]" {
		t.Fatalf("findings = %v", errs)
	}
	if !strings.Contains(errs[0].Message, `placeholder {{ a b }} at offset 0`) {
		t.Errorf("message = %q", errs[0].Message)
	}
}
