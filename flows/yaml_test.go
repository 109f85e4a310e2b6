package flows

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/hookflow/hookflow/jsonnum"
)

func TestDecodeYAMLGivesWhatJSONGives(t *testing.T) {
	t.Parallel()
	yaml := `
# a flow file
id: github-push
name: "GitHub: push"
accountability: null
options: &opts
  method: POST
  access: public
operations:
  - id: shape
    operation: transform
    options:
      json:
        big: 12345678901234567890
        exact: 1.10
        small: -0.5
        exp: 1e3
        hex: 0x1F
        yes: true
        text: |
          line one {{$trigger.a}}
          line two
        folded: >
          one
          two
        quoted: '{{ $trigger["x-y"] }}'
        list: [1, "two", null]
  - id: again
    operation: transform
    options:
      json:
        <<: *opts
        method: GET
`
	want := `{"id": "github-push", "name": "GitHub: push", "accountability": null,
		"options": {"method": "POST", "access": "public"},
		"operations": [
			{"id": "shape", "operation": "transform", "options": {"json": {
				"big": 12345678901234567890, "exact": 1.10, "small": -0.5, "exp": 1e3, "hex": 31, "yes": true,
				"text": "line one {{$trigger.a}}\nline two\n", "folded": "one two\n",
				"quoted": "{{ $trigger[\"x-y\"] }}", "list": [1, "two", null]}}},
			{"id": "again", "operation": "transform", "options": {"json": {"method": "GET", "access": "public"}}}]}`
	got, err := DecodeYAML([]byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	expected, err := jsonnum.DecodeObject([]byte(want))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, expected) {
		g, _ := json.Marshal(got)
		e, _ := json.Marshal(expected)
		t.Fatalf("YAML gave\n%s\nJSON gives\n%s", g, e)
	}
	// The digits survive: 1.10 stays 1.10, not 1.1.
	opts := got["operations"].([]any)[0].(map[string]any)["options"].(map[string]any)["json"].(map[string]any)
	if n, ok := opts["exact"].(json.Number); !ok || n.String() != "1.10" {
		t.Fatalf("1.10 became %#v", opts["exact"])
	}
}

func TestDecodeYAMLRefusals(t *testing.T) {
	t.Parallel()
	bomb := "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
	prev := "a"
	for _, name := range []string{"b", "c", "d", "e", "f", "g", "h"} {
		refs := strings.TrimSuffix(strings.Repeat("*"+prev+", ", 10), ", ")
		bomb += name + ": &" + name + " [" + refs + "]\n"
		prev = name
	}
	for name, tc := range map[string]struct{ yaml, says string }{
		"a list":               {"- a\n- b\n", "expected a flow object"},
		"two documents":        {"id: a\n---\nid: b\n", "one document"},
		"infinity":             {"id: a\nn: .inf\n", "not a JSON number"},
		"a duplicate key":      {"id: a\nid: b\n", "id"},
		"an unknown alias":     {"id: *nope\n", "nope"},
		"aliases that explode": {bomb, "more than 1000000 values"},
		"a syntax error":       {"id: [a\n", "YAML"},
		"a custom tag":         {"id: !custom a\n", "not supported"},
	} {
		_, err := DecodeYAML([]byte(tc.yaml))
		if err == nil || !strings.Contains(err.Error(), tc.says) {
			t.Errorf("%s: %v, want an error saying %q", name, err, tc.says)
		}
	}
}
