package engine

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/hookflow/hookflow/flows"
	"github.com/hookflow/hookflow/operations"
)

// checkDoc decodes a flow document and checks it as an upload is checked.
func checkDoc(t *testing.T, e *Engine, doc string) (*Plan, flows.ValidationErrors, flows.ValidationErrors) {
	t.Helper()
	f := decodeDoc(t, doc)
	p, warnings, err := e.Check(f)
	var findings flows.ValidationErrors
	if err != nil && !errors.As(err, &findings) {
		t.Fatalf("check: %v", err)
	}
	return p, findings, warnings
}

func TestCheckTemplateRoots(t *testing.T) {
	t.Parallel()
	e := testEngine(t, 100)
	tests := []struct {
		name, doc, path, says string
	}{
		{
			"a typo of $trigger", `{"operations":[{"id":"a","operation":"transform","options":{"json":{"x":"{{$triger.x}}"}}}]}`,
			"operations[0].options.json.x", `{{$triger.x}} starts with "$triger", which is neither a data chain name ($trigger, $last, $accountability, $env, $flow, $run) nor an operation key of this flow (did you mean "$trigger"?)`,
		},
		{
			"a typo of an operation key", `{"operations":[
			{"id":"process-order","operation":"transform","options":{"json":{"id":1}}},
			{"id":"b","operation":"log","options":{"message":"order {{ procss-order.id }}"}}]}`,
			"operations[1].options.message", `(did you mean "process-order"?)`,
		},
		{
			"inside a filter", `{"operations":[{"id":"c","operation":"condition","options":{"filter":{"a":{"_eq":"{{$lst.a}}"}}}}]}`,
			"operations[0].options.filter.a._eq", `(did you mean "$last"?)`,
		},
		{
			"inside a JSON string option", `{"operations":[{"id":"r","operation":"request","options":{"url":"https://example.com","method":"POST","body":"{\"a\": {{$trigge.a}}}"}}]}`,
			"operations[0].options.body", `(did you mean "$trigger"?)`,
		},
		{
			"nothing close", `{"operations":[{"id":"a","operation":"log","options":{"message":"{{somethingelse}}"}}]}`,
			"operations[0].options.message", `starts with "somethingelse", which is neither`,
		},
		{
			"a $ return path", `{"options":{"return":"$lats.x"},"operations":[{"id":"a","operation":"log","options":{"message":"x"}}]}`,
			"options.return", `(did you mean "$last"?)`,
		},
		{
			"a return template", `{"options":{"return":"{{ a.x }} and {{ b }}"},"operations":[{"id":"a","operation":"log","options":{"message":"x"}}]}`,
			"options.return", `{{b}} starts with "b"`,
		},
	}
	for _, tc := range tests {
		_, findings, _ := checkDoc(t, e, tc.doc)
		found := false
		for _, f := range findings {
			found = found || f.Path == tc.path && strings.Contains(f.Message, tc.says)
		}
		if !found {
			t.Errorf("%s: findings %v, want one at %s saying %s", tc.name, findings, tc.path, tc.says)
		}
	}
}

func TestCheckAcceptsEveryChainNameAndKey(t *testing.T) {
	t.Parallel()
	e := testEngine(t, 100)
	_, findings, _ := checkDoc(t, e, `{"options":{"return":"$all"},"operations":[
		{"id":"first","key":"first-key","operation":"transform","options":{"json":{
			"t":"{{$trigger.body}}","l":"{{$last}}","a":"{{$accountability.user}}","e":"{{$env}}","f":"{{$flow.id}}",
			"r":"{{$run.id}}","n":"{{$NOW(-1 hour)}}","u":"{{$CURRENT_USER}}","ro":"{{$CURRENT_ROLE}}","k":"{{first-key.t}}",
			"b":"{{ $trigger[\"body\"] }}"}}},
		{"id":"second","operation":"condition","options":{"filter":{"x":{"_gte":"$NOW(-1 day)"}}}}]}`)
	if len(findings) > 0 {
		t.Fatalf("findings: %v", findings)
	}
}

// TestCompileOfSavedFlowsIgnoresRoots: a flow saved before the check
// existed still loads (and its typo renders null, as it did).
func TestCompileOfSavedFlowsIgnoresRoots(t *testing.T) {
	t.Parallel()
	e := testEngine(t, 100)
	p := compileDoc(t, e, `{"operations":[{"id":"a","operation":"transform","options":{"json":{"x":"{{$triger.x}}"}}}]}`)
	res := e.Run(context.Background(), p, RunInput{RunID: "r", Trigger: map[string]any{"x": 1}})
	if res.Err != nil || res.Last.(map[string]any)["x"] != nil {
		t.Fatalf("run: %v %v", res.Err, res.Last)
	}
}

func TestCheckWarnsAboutEnvOutsideTheAllowList(t *testing.T) {
	t.Parallel()
	e := New(operations.Builtins(operations.Dependencies{}), Config{EnvAllowList: []string{"ALLOWED"}})
	_, findings, warnings := checkDoc(t, e, `{"options":{"return":"{{$env.RET}}"},"operations":[
		{"id":"a","operation":"transform","options":{"json":{"ok":"{{$env.ALLOWED}}","list":["{{$env.HOME}}"]}}},
		{"id":"c","operation":"condition","options":{"filter":{"k":{"_eq":"{{$env[\"SECRET\"]}}"}}}},
		{"id":"x","operation":"exec","options":{"expression":"hmac_sha256($env.GITHUB_SECRET, $trigger.raw) + $env[\"ALLOWED\"]"}}]}`)
	if len(findings) > 0 {
		t.Fatalf("findings: %v", findings)
	}
	got := map[string]string{}
	for _, w := range warnings {
		got[w.Path] = w.Message
	}
	want := map[string]string{
		"operations[0].options.json.list[0]": "$env.HOME is not in FLOWS_ENV_ALLOW_LIST, so it is null when the flow runs",
		"operations[1].options.filter.k._eq": "$env.SECRET is not in FLOWS_ENV_ALLOW_LIST, so it is null when the flow runs",
		"operations[2].options.expression":   "$env.GITHUB_SECRET is not in FLOWS_ENV_ALLOW_LIST, so it is null when the flow runs",
		"options.return":                     "$env.RET is not in FLOWS_ENV_ALLOW_LIST, so it is null when the flow runs",
	}
	if len(got) != len(want) || len(warnings) != len(want) {
		t.Fatalf("warnings %v, want %v", warnings, want)
	}
	for path, msg := range want {
		if got[path] != msg {
			t.Errorf("%s: %q, want %q", path, got[path], msg)
		}
	}
}

// TestFailingStepNamesUnsetEnv: a step that fails while reading an `$env`
// variable the run does not have says so, instead of failing on a bare
// null.
func TestFailingStepNamesUnsetEnv(t *testing.T) {
	t.Parallel()
	e := testEngine(t, 100)
	p := compileDoc(t, e, `{"operations":[
		{"id":"verify","operation":"exec","options":{"expression":"hmac_sha256($env.GITHUB_SECRET, $trigger.raw)"}}]}`)
	trigger := map[string]any{"raw": "{}"}
	res := e.Run(context.Background(), p, RunInput{RunID: "r", Trigger: trigger, Env: map[string]any{}, RecordSteps: true})
	var opErr *OperationError
	if !errors.As(res.Err, &opErr) || !strings.Contains(res.Err.Error(), "$env.GITHUB_SECRET: not set, so null") {
		t.Fatalf("error: %v", res.Err)
	}
	result := res.Steps[0].Result.(map[string]any)
	if unset, _ := result["env_unset"].([]any); len(unset) != 1 || unset[0] != "GITHUB_SECRET" {
		t.Fatalf("step result: %v", result)
	}
	// Set, the same step succeeds, and a failure for another reason names
	// nothing.
	res = e.Run(context.Background(), p, RunInput{RunID: "r", Trigger: trigger, Env: map[string]any{"GITHUB_SECRET": "s"}})
	if res.Err != nil {
		t.Fatalf("with the variable: %v", res.Err)
	}
	res = e.Run(context.Background(), p, RunInput{RunID: "r", Trigger: map[string]any{"raw": 5}, Env: map[string]any{"GITHUB_SECRET": "s"}})
	if res.Err == nil || strings.Contains(res.Err.Error(), "env") {
		t.Fatalf("another failure: %v", res.Err)
	}
}

func TestLevenshtein(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		a, b string
		d    int
	}{{"", "", 0}, {"$triger", "$trigger", 1}, {"kitten", "sitting", 3}, {"é", "e", 1}, {"abc", "", 3}, {"$lats", "$last", 1}, {"ab", "ba", 1}} {
		if got := levenshtein(tc.a, tc.b); got != tc.d {
			t.Errorf("levenshtein(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.d)
		}
	}
}
