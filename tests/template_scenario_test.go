package tests

import (
	"net/http"
	"strings"
	"testing"

	"github.com/hookflow/hookflow/hookflowtest"
)

// TestTemplatesSayWhatTheyMean: text outside placeholders is kept as
// written, surplus braces included, and a placeholder that holds no path
// is refused when the flow is saved, with the option's path.
func TestTemplatesSayWhatTheyMean(t *testing.T) {
	t.Parallel()
	srv := hookflowtest.New(t)
	id := srv.CreateFlow(t, `{"trigger": "webhook", "options": {"access": "public"}, "operations": [
		{"id": "t", "operation": "transform", "options": {"json": {
			"spaced": "{{$trigger.a}} }}", "glued": "{{$trigger.a}}}", "braces": "{ {{$trigger.a}} }",
			"whole": "{{ $trigger.a }}", "dots": "{{ $trigger . b[ \"c d\" ] }}", "json": "{\"x\": {{$trigger.a}}}"}}}]}`)
	resp := srv.Do(t, http.MethodPost, "/flows/trigger/"+id, `{"a": 1, "b": {"c d": "e"}}`)
	check(t, resp, http.StatusOK, `{"data": {"spaced": "1 }}", "glued": "1}", "braces": "{ 1 }", "whole": 1, "dots": "e", "json": "{\"x\": 1}"}}`)

	for _, bad := range []string{"{{ a b }}", "{{ !@# }}", "{{ {{x }}", "x {{ $trigger.a | upper }}"} {
		doc := map[string]any{"trigger": "webhook", "operations": []any{
			map[string]any{"id": "t", "operation": "transform", "options": map[string]any{"json": map[string]any{"x": bad}}},
		}}
		resp := srv.Do(t, http.MethodPost, "/flows", doc)
		errs, _ := resp.JSON(t)["errors"].([]any)
		if resp.Status != http.StatusBadRequest || resp.ErrorCode(t) != "INVALID_PAYLOAD" || len(errs) != 1 {
			t.Fatalf("%q: got %d %s", bad, resp.Status, resp.Body)
		}
		first := errs[0].(map[string]any)
		ext := first["extensions"].(map[string]any)
		if ext["path"] != "operations[0].options.json.x" || !strings.Contains(first["message"].(string), "placeholder") {
			t.Fatalf("%q: %s", bad, resp.Body)
		}
	}
	// A condition's operand and the return option are checked as well.
	for path, doc := range map[string]string{
		"operations[0].options.filter.a._eq": `{"trigger": "webhook", "operations": [{"operation": "condition", "options": {"filter": {"a": {"_eq": "{{ a b }}"}}}}]}`,
		"options.return":                     `{"trigger": "webhook", "options": {"return": "{{ !@# }}"}, "operations": []}`,
	} {
		resp := srv.Do(t, http.MethodPost, "/flows", doc)
		errs, _ := resp.JSON(t)["errors"].([]any)
		if resp.Status != http.StatusBadRequest || len(errs) != 1 || errs[0].(map[string]any)["extensions"].(map[string]any)["path"] != path {
			t.Fatalf("%s: got %d %s", path, resp.Status, resp.Body)
		}
	}
}
