package operations_test

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hookflow/hookflow/engine"
	"github.com/hookflow/hookflow/jsonnum"
	"github.com/hookflow/hookflow/operations"
)

var fixedNow = time.Date(2026, 3, 4, 5, 6, 7, 890_000_000, time.UTC)

func execRegistry() *operations.Registry {
	reg := operations.NewRegistry()
	reg.MustRegister("exec", operations.Exec{Now: func() time.Time { return fixedNow }})
	reg.MustRegister("transform", operations.Transform{})
	return reg
}

// execFlow is a flow whose first step is `prepare` (a transform producing
// {"id": 7}) and whose second evaluates expression.
func execFlow(expression string, more ...string) string {
	src, _ := json.Marshal(expression)
	doc := `{"trigger": "webhook", "operations": [
		{"id": "prepare-order", "operation": "transform", "options": {"json": {"id": 7}}},
		{"id": "script", "operation": "exec", "options": {"expression": ` + string(src) + `}}`
	for _, m := range more {
		doc += ", " + m
	}
	return doc + "]}"
}

func TestExecEvaluates(t *testing.T) {
	t.Parallel()
	trigger := map[string]any{
		"body":    map[string]any{"total": 99.5, "items": []any{map[string]any{"sku": "a", "qty": 2.0}, map[string]any{"sku": "b", "qty": 1.0}}},
		"headers": map[string]any{"x-api-key": "k1"},
		"raw":     "The quick brown fox jumps over the lazy dog",
	}
	tests := []struct {
		name, expression, want string
	}{
		{"comparison", `$trigger.body.total > 50`, `true`},
		{"integers become numbers", `{"n": 1 + 2, "list": [1, 2.5]}`, `{"list":[1,2.5],"n":3}`},
		{"last", `$last.id * 2`, `14`},
		{"operation key with a dash", `$env["prepare-order"].id`, `7`},
		{"$env as in templates", `$env.REGION + "-" + $trigger.headers["x-api-key"]`, `"eu-west-k1"`},
		{"$env in brackets", `[$env["REGION"], $env?.REGION]`, `["eu-west","eu-west"]`},
		{"missing variable is null", `$env.NOPE ?? "none"`, `"none"`},
		{"$env holds only the allowed variables", `[$env, keys($env), "REGION" in $env, "$trigger" in $env]`, `[{"REGION":"eu-west"},["REGION"],true,false]`},
		{"$env in a closure", `map(["a"], # + $env.REGION)`, `["aeu-west"]`},
		{"$environment is the same", `$environment.REGION`, `"eu-west"`},
		{"expr's own environment is out of reach", `[$env["$__budget"], $env["$env"]]`, `[null,null]`},
		{"closures", `sum($trigger.body.items, #.qty)`, `3`},
		{"map literal in a closure is no template", `map($trigger.body.items, {{"sku": upper(#.sku)}})`, `[{"sku":"A"},{"sku":"B"}]`},
		{"missing header", `$trigger.headers["nope"] ?? "none"`, `"none"`},
		{"let", `let t = $trigger.body.total; t > 10 ? "big" : "small"`, `"big"`},
		{"hmac_sha256", `hmac_sha256("key", $trigger.raw)`, `"f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"`},
		{"sha256", `sha256("abc")`, `"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"`},
		{"base64", `[base64_encode("hi?>"), base64_decode("aGk/Pg=="), base64_decode("aGk_Pg")]`, `["aGk/Pg==","hi?>","hi?>"]`},
		{"secure_compare", `[secure_compare("a", "a"), secure_compare("a", "b")]`, `[true,false]`},
		{"now", `now()`, `"2026-03-04T05:06:07.890Z"`},
		{"json", `[json_parse("{\"a\": [1]}").a[0], json_stringify({"b": [1, "x"]})]`, `[1,"{\"b\":[1,\"x\"]}"]`},
		{"date arithmetic", `date(now()) - date("2026-03-04T05:00:00Z") > duration("5m")`, `true`},
		{"duration result", `duration("90m")`, `"1h30m0s"`},
		{"null", `nil`, `null`},
		{"predicate builtins", `[reduce([1, 2, 3], #acc + #, 0), count($trigger.body.items, #.qty > 1), map(filter($trigger.body.items, #.qty < 2), .sku),
			map(sortBy($trigger.body.items, .qty), .sku), find($trigger.body.items, .sku == "b").qty, any([1, 2], # > 1), none([1], # > 1), one([1, 2], # > 1),
			len(groupBy($trigger.body.items, .sku)), findIndex([5, 6], # == 6), sum(map(1..3, # * 2))]`, `[6,1,["b"],["b","a"],1,true,true,true,2,1,12]`},
		{"plus", `["a" + "b", 1 + 2.5, concat([1], ["x"])]`, `["ab",3.5,[1,"x"]]`},
		{
			"bounded text builtins", `[repeat("ab", 2), replace("a-b-c", "-", "+"), replace("a-b-c", "-", "+", 1), join(["a", "b"], ","), join(["x"])]`,
			`["abab","a+b+c","a+b-c","a,b","x"]`,
		},
		{"string", `[string({"a": [1]}), string(1.5), string("s"), string(true)]`, `["{\"a\":[1]}","1.5","s","true"]`},
		{"toJSON", `toJSON({"a": 1})`, `"{\n  \"a\": 1\n}"`},
		{"json_stringify", `json_stringify({"b": [1, "x"]})`, `"{\"b\":[1,\"x\"]}"`},
	}
	reg := execRegistry()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res := runFlowWith(t, reg, execFlow(tc.expression), engine.RunInput{
				Trigger: trigger, Env: map[string]any{"REGION": "eu-west"},
			})
			if res.Err != nil {
				t.Fatalf("run failed: %v", res.Err)
			}
			if got := toJSON(res.Last); got != tc.want {
				t.Fatalf("got %s, want %s", got, tc.want)
			}
		})
	}
}

func TestExecUUID(t *testing.T) {
	t.Parallel()
	res := runFlow(t, execRegistry(), execFlow(`[uuid(), uuid()]`), nil)
	ids, _ := res.Last.([]any)
	pattern := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	if len(ids) != 2 || ids[0] == ids[1] || !pattern.MatchString(ids[0].(string)) {
		t.Fatalf("got %v (%v)", ids, res.Err)
	}
}

func TestExecReject(t *testing.T) {
	t.Parallel()
	reg := execRegistry()
	// Without a reject edge the run ends normally with the rejected value.
	res := runFlow(t, reg, execFlow(`$trigger.ok ? "fine" : reject({"why": "not ok"})`), map[string]any{"ok": false})
	if res.Err != nil || !res.Rejected || toJSON(res.Last) != `{"why":"not ok"}` {
		t.Fatalf("got %v %v %s", res.Err, res.Rejected, toJSON(res.Last))
	}
	res = runFlow(t, reg, execFlow(`$trigger.ok ? "fine" : reject({"why": "not ok"})`), map[string]any{"ok": true})
	if res.Rejected || res.Last != "fine" {
		t.Fatalf("got %v %v", res.Rejected, res.Last)
	}
	// With one, the branch reads the value as $last.
	doc := execFlow(`reject("bad")`, `{"id": "denied", "operation": "transform", "options": {"json": {"denied": "{{$last}}"}}}`)
	doc = strings.Replace(doc, `"operation": "exec",`, `"operation": "exec", "reject": "denied",`, 1)
	res = runFlow(t, reg, doc, nil)
	if res.Err != nil || toJSON(res.Last) != `{"denied":"bad"}` {
		t.Fatalf("got %v %s", res.Err, toJSON(res.Last))
	}
}

func TestExecRuntimeFailures(t *testing.T) {
	t.Parallel()
	list := make([]any, 2000)
	for i := range list {
		list[i] = float64(i)
	}
	big := strings.Repeat("0123456789", 10_000)
	tests := []struct {
		name, expression, code string
	}{
		{"nil member", `$trigger.missing.deeper`, "SCRIPT_ERROR"},
		{"bad helper argument", `sha256($trigger.n)`, "SCRIPT_ERROR"},
		{"bad base64", `base64_decode("!!")`, "SCRIPT_ERROR"},
		{"infinite result", `1 / 0`, "SCRIPT_ERROR"},
		{"memory budget", `len(1..1000000)`, "SCRIPT_LIMIT"},
		{"iteration budget", `all($trigger.list, {all($trigger.list, {# >= 0})})`, "SCRIPT_LIMIT"},
		{"huge repeat", `repeat("x", 100000000)`, "SCRIPT_LIMIT"},
		{"repeat of sender text", `repeat($trigger.big, 1000000)`, "SCRIPT_LIMIT"},
		{"replace amplification", `replace(repeat("{n}", 1000), "{n}", $trigger.big)`, "SCRIPT_LIMIT"},
		{"doubling", `reduce(1..60, #acc + #acc, "x")`, "SCRIPT_LIMIT"},
		{"doubling with let", `let a = $trigger.big + $trigger.big; let b = a + a; let c = b + b; let d = c + c; let e = d + d; let f = e + e; let g = f + f; let h = g + g; let i = h + h; h + i`, "SCRIPT_LIMIT"},
		{"encoding a shared value", `toJSON(map(1..1000, $trigger.big))`, "SCRIPT_LIMIT"},
		{"joining a shared value", `join(map(1..1000, $trigger.big), "")`, "SCRIPT_LIMIT"},
		{"copies kept by a loop", `map(1..1000, upper($trigger.big))`, "SCRIPT_LIMIT"},
		{"result sharing one value", `map(1..2000, $trigger.big)`, "RENDER_TOO_LARGE"},
	}
	reg := execRegistry()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res := runFlow(t, reg, execFlow(tc.expression), map[string]any{"n": 1.0, "list": list, "big": big})
			if code := errorCode(res); code != tc.code {
				t.Fatalf("code %q, want %q (%v)", code, tc.code, res.Err)
			}
		})
	}
}

func TestExecStopsAtTheRunDeadline(t *testing.T) {
	t.Parallel()
	list := make([]any, 900)
	for i := range list {
		list[i] = float64(i)
	}
	reg := execRegistry()
	plan, err := compileFlow(t, reg, execFlow(`all($trigger.list, {all($trigger.list, {# >= 0})})`))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res := engine.New(reg, engine.Config{}).Run(ctx, plan, engine.RunInput{Trigger: map[string]any{"list": list}})
	if res.Err == nil {
		t.Fatal("a cancelled run completed")
	}
}

func TestExecValidation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		options string
		message string
	}{
		{"missing", `{}`, "is required"},
		{"empty", `{"expression": " "}`, "must not be empty"},
		{"not a string", `{"expression": 3}`, "must be a string"},
		{"syntax", `{"expression": "1 +"}`, "line 1"},
		{"unknown variable", `{"expression": "$triger.body"}`, "unknown variable $triger"},
		{"unknown plain name", `{"expression": "orders.total"}`, "unknown variable orders"},
		{"helper arity", `{"expression": "hmac_sha256(\"a\")"}`, "hmac_sha256"},
		{"too long", `{"expression": "` + strings.Repeat("1+", operations.MaxExpressionLength) + `1"}`, "the limit is"},
		{"too many nodes", `{"expression": "` + strings.Repeat("1+", 1500) + `1"}`, "exceeds maximum allowed nodes"},
	}
	reg := execRegistry()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			doc := `{"trigger": "webhook", "operations": [{"id": "x", "operation": "exec", "options": ` + tc.options + `}]}`
			_, err := compileFlow(t, reg, doc)
			if !hasFinding(err, "operations[0].options.expression", tc.message) {
				t.Fatalf("got %v, want a finding on the expression containing %q", err, tc.message)
			}
		})
	}
	if _, err := compileFlow(t, reg, `{"trigger": "webhook", "operations": [{"id": "x", "operation": "exec", "options": {"expression": "1", "code": "x"}}]}`); !hasFinding(err, "operations[0].options.code", "unknown option") {
		t.Fatalf("unknown option: %v", err)
	}
	// Operation keys without dashes are variables.
	if _, err := compileFlow(t, reg, execFlow(`script.x ?? 1`)); err != nil {
		t.Fatalf("operation key refused: %v", err)
	}
	// $env still reads operation keys and chain variables.
	if _, err := compileFlow(t, reg, execFlow(`[$env["prepare-order"].id, $env.script, $env["$trigger"], $env.$last]`)); err != nil {
		t.Fatalf("$env read of an operation key refused: %v", err)
	}
}

// TestExecNumbers: numbers a float64 cannot hold as written (json.Number
// in the data chain) pass through an expression with their digits and
// calculate and compare as float64 (docs/operations.md).
func TestExecNumbers(t *testing.T) {
	t.Parallel()
	trigger, err := jsonnum.Decode([]byte(`{"a": 12345678901234567890, "d": 9007199254740993,
		"x": 0.1000000000000000055511151231257827, "one": 1.0, "ids": [9007199254740993, 1.50],
		"items": [{"p": 1.50}, {"p": 2.25}], "inf": 1e400, "neg": -1e400}`))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, expression, want string
	}{
		{"passed on", `$trigger.a`, `12345678901234567890`},
		{
			"passed on inside values", `{"a": $trigger.a, "x": [$trigger.x], "ids": $trigger.ids}`,
			`{"a":12345678901234567890,"ids":[9007199254740993,1.50],"x":[0.1000000000000000055511151231257827]}`,
		},
		{
			"compared", `[$trigger.a > 1e19, $trigger.d > 9007199254740990, $trigger.one == 1, $trigger.x < 0.2, $trigger.one != 2]`,
			`[true,true,true,true,true]`,
		},
		{"compared with float64 precision", `$trigger.d == 9007199254740992`, `true`},
		{
			"calculated", `[$trigger.one + 1, $trigger.x * 10, -$trigger.one, $trigger.one / 4, 7 % int($trigger.one + 1), $trigger.one ** 2]`,
			`[2,1,-1,0.25,1,1]`,
		},
		{
			"builtins", `[abs(-$trigger.one), max($trigger.items[0].p, 1), sum($trigger.items, .p), sum([$trigger.one, 2]), floor($trigger.x), round($trigger.items[1].p)]`,
			`[1,1.5,3.75,3,0,2]`,
		},
		{"sorted keeps the values", `map(sortBy($trigger.items, -.p), .p)`, `[2.25,1.50]`},
		{"filtered", `filter($trigger.items, .p > 2)`, `[{"p":2.25}]`},
		{
			"closures over numbers", `[all($trigger.ids, # > 1), count($trigger.ids, # > 9007199254740990), any($trigger.ids, # == 1.5),
			all($trigger.ids, {any($trigger.ids, {# >= 1})}), findIndex($trigger.ids, # < 2), none($trigger.ids, .5 > #)]`,
			`[true,1,true,true,1,true]`,
		},
		{
			"totals over numbers", `[sum($trigger.ids) > 9007199254740990, max($trigger.ids) > 1e15, mean([$trigger.one, 3]), reduce($trigger.ids, #acc + #, 0) > 1]`,
			`[true,true,2,true]`,
		},
		{
			"filtered elements keep their digits", `[filter($trigger.ids, # > 2), map($trigger.ids, #), find($trigger.ids, # < 2)]`,
			`[[9007199254740993],[9007199254740993,1.50],1.50]`,
		},
		{"index", `[10, 20, 30][$trigger.one]`, `20`},
		{"range", `$trigger.one..3`, `[1,2,3]`},
		{"in", `[1, 2] | any(# == $trigger.one)`, `true`},
		{"beyond float64 compares as infinity", `[$trigger.inf > 1e308, $trigger.neg < -1e308]`, `[true,true]`},
		{"string keeps digits", `string($trigger.a) + "/" + string($trigger.x)`, `"12345678901234567890/0.1000000000000000055511151231257827"`},
		{"json_stringify keeps digits", `json_stringify({"a": $trigger.a})`, `"{\"a\":12345678901234567890}"`},
		{"json_parse keeps digits", `[json_parse("{\"n\": 12345678901234567890}").n, json_parse("[1.0]")[0] + 1]`, `[12345678901234567890,2]`},
	}
	reg := execRegistry()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res := runFlowWith(t, reg, execFlow(tc.expression), engine.RunInput{Trigger: trigger})
			if res.Err != nil {
				t.Fatalf("run failed: %v", res.Err)
			}
			if got := toJSON(res.Last); got != tc.want {
				t.Fatalf("got %s, want %s", got, tc.want)
			}
		})
	}
	res := runFlowWith(t, reg, execFlow(`$trigger.inf + 1`), engine.RunInput{Trigger: trigger})
	if res.Err == nil || !strings.Contains(res.Err.Error(), "finite") {
		t.Fatalf("an infinite result: %v %s", res.Err, toJSON(res.Last))
	}
}
