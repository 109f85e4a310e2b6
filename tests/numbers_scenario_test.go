package tests

import (
	"bytes"
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/hookflow/hookflow/hookflowtest"
)

// Numbers a float64 cannot hold as written: an integer beyond int64, one
// beyond 2^53, a decimal with more digits than float64 keeps, a number
// beyond the float64 range and forms float64 would rewrite.
const (
	issueItem   = `{"a":12345678901234567890,"d":9007199254740993}`
	decimalItem = `{"e":1e400,"neg":-1e400,"one":1.0,"tiny":1e-400,"x":0.1000000000000000055511151231257827}`
)

// exactJSON re-encodes JSON text with sorted keys and every number exactly
// as it appears in the text (decoded as json.Number, independently of the
// server's own decoding).
func exactJSON(t *testing.T, raw []byte) string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("not JSON: %v: %s", err, raw)
	}
	out, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// exactData checks the status and the `data` member of a response, numbers
// compared digit for digit.
func exactData(t *testing.T, resp *hookflowtest.Response, status int, want string) {
	t.Helper()
	if resp.Status != status {
		t.Fatalf("status %d, want %d: %s", resp.Status, status, resp.Body)
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(resp.Body, &doc); err != nil {
		t.Fatalf("not a JSON object: %s", resp.Body)
	}
	if got := exactJSON(t, doc["data"]); got != exactJSON(t, []byte(want)) {
		t.Fatalf("data\n got %s\nwant %s", got, exactJSON(t, []byte(want)))
	}
}

// TestItemsKeepNumbersAsWritten is the issue's reproduction through
// /items: what is stored, returned, filtered, aggregated, validated and
// sent to webhooks keeps the digits that were sent.
func TestItemsKeepNumbersAsWritten(t *testing.T) {
	t.Parallel()
	rc, generic, dato := hookflowtest.NewReceiver(t), hookflowtest.NewReceiver(t), hookflowtest.NewReceiver(t)
	srv := hookflowtest.New(t, allowLoopback)
	createWebhook(t, srv, map[string]any{"name": "numbers", "actions": "create,update", "collections": "numtest", "url": rc.URL})
	check(t, srv.Do(t, "POST", "/api/v1/webhooks", map[string]any{"url": generic.URL, "events": []any{"numtest.created"}}), 201, "")
	check(t, srv.Do(t, "POST", "/webhooks", map[string]any{"data": map[string]any{"type": "webhook", "attributes": map[string]any{
		"name": "dato", "url": dato.URL, "headers": map[string]any{},
		"events": []any{map[string]any{"entity_type": "item", "event_types": []any{"create"}}},
	}}}, "X-Api-Version", "2"), 200, "")

	item1 := `{"a":12345678901234567890,"d":9007199254740993,"id":1}`
	item2 := `{"e":1e400,"id":2,"neg":-1e400,"one":1.0,"tiny":1e-400,"x":0.1000000000000000055511151231257827}`
	exactData(t, srv.Do(t, "POST", "/items/numtest", issueItem), 200, item1)
	exactData(t, srv.Do(t, "POST", "/items/numtest", decimalItem), 200, item2)
	exactData(t, srv.Do(t, "GET", "/items/numtest/1", nil), 200, item1)
	exactData(t, srv.Do(t, "GET", "/items/numtest", nil), 200, "["+item1+","+item2+"]")
	patched := `{"a":12345678901234567890,"b":98765432109876543210,"d":9007199254740993,"id":1}`
	exactData(t, srv.Do(t, "PATCH", "/items/numtest/1", `{"b":98765432109876543210}`), 200, patched)
	exactData(t, srv.Do(t, "GET", "/items/numtest/1", nil), 200, patched)

	// Filters compare numbers as numbers: integers that fit int64 exactly,
	// others as float64 (12345678901234567000 is the same float64 as a).
	for _, tc := range []struct{ query, ids string }{
		{`filter={"d":{"_eq":9007199254740993}}`, `[1]`},
		{`filter[d][_eq]=9007199254740993`, `[1]`},
		{`filter={"d":{"_eq":9007199254740992}}`, `[]`},
		{`filter={"d":{"_gt":9007199254740992}}`, `[1]`},
		{`filter={"d":{"_gte":9007199254740994}}`, `[]`},
		{`filter={"a":{"_eq":12345678901234567890}}`, `[1]`},
		{`filter={"a":{"_gt":12345678901234567000}}`, `[]`},
		{`filter={"a":{"_gt":9223372036854775807}}`, `[1]`},
		{`filter={"e":{"_gt":1e308}}`, `[2]`},
		{`filter={"neg":{"_lt":-1e308}}`, `[2]`},
		{`filter={"one":{"_eq":1}}`, `[2]`},
		{`filter={"a":{"_starts_with":"1234567890123456789"}}`, `[1]`},
		{`filter={"x":{"_ends_with":"1257827"}}`, `[2]`},
	} {
		resp := srv.Do(t, "GET", "/items/numtest?fields=id&"+encodeQuery(tc.query), nil)
		want := "[]"
		if tc.ids != "[]" {
			want = `[{"id":` + strings.Trim(tc.ids, "[]") + `}]`
		}
		t.Run(tc.query, func(t *testing.T) { exactData(t, resp, 200, want) })
	}

	for _, tc := range []struct{ query, want string }{
		{`aggregate[max]=a`, `[{"max":{"a":12345678901234567890}}]`},
		{`aggregate[min]=x&aggregate[max]=e`, `[{"max":{"e":1e400},"min":{"x":0.1000000000000000055511151231257827}}]`},
		{`aggregate[max]=d&aggregate[min]=neg`, `[{"max":{"d":9007199254740993},"min":{"neg":-1e400}}]`},
		{`aggregate[count]=*&groupBy=a`, `[{"a":null,"count":1},{"a":12345678901234567890,"count":1}]`},
		{`aggregate[sum]=e`, `[{"sum":{"e":null}}]`},
	} {
		resp := srv.Do(t, "GET", "/items/numtest?"+encodeQuery(tc.query), nil)
		t.Run(tc.query, func(t *testing.T) { exactData(t, resp, 200, tc.want) })
	}

	// Webhook bodies carry the numbers as written.
	got := rc.Wait(t, 3)
	payloads := map[string]bool{}
	for _, r := range got {
		var body map[string]json.RawMessage
		if err := json.Unmarshal(r.Body, &body); err != nil {
			t.Fatalf("webhook body %s", r.Body)
		}
		payloads[exactJSON(t, body["payload"])] = true
	}
	for _, want := range []string{item1, item2, `{"b":98765432109876543210}`} {
		if !payloads[exactJSON(t, []byte(want))] {
			t.Errorf("no webhook payload %s among %v", want, payloads)
		}
	}
	// The generic and DatoCMS formats too.
	for _, r := range append(generic.Wait(t, 2), dato.Wait(t, 2)...) {
		body := exactJSON(t, r.Body)
		if !strings.Contains(body, `"a":12345678901234567890,`) && !strings.Contains(body, `"x":0.1000000000000000055511151231257827`) {
			t.Errorf("webhook body without the digits: %s", r.Body)
		}
	}
}

// TestItemSchemaAndIdsReadExactNumbers: a collection's JSON Schema checks
// the number that was sent, not its float64, and an id beyond 2^53 is
// refused instead of being rounded onto 2^53.
func TestItemSchemaAndIdsReadExactNumbers(t *testing.T) {
	t.Parallel()
	srv := hookflowtest.New(t)
	check(t, srv.Do(t, "POST", "/collections", `{"collection": "bounded", "schema": {"type": "object",
		"properties": {"d": {"type": "integer", "maximum": 9007199254740992}, "a": {"type": "integer"}}}}`), 200, "")
	resp := srv.Do(t, "POST", "/items/bounded", `{"d": 9007199254740993}`)
	if resp.Status != 400 || resp.ErrorCode(t) != "FAILED_VALIDATION" {
		t.Fatalf("9007199254740993 above a maximum of 2^53: %d %s", resp.Status, resp.Body)
	}
	exactData(t, srv.Do(t, "POST", "/items/bounded", `{"d": 9007199254740992, "a": 12345678901234567890}`), 200,
		`{"a":12345678901234567890,"d":9007199254740992,"id":1}`)
	if resp := srv.Do(t, "POST", "/items/bounded", `{"a": 1.5}`); resp.Status != 400 {
		t.Fatalf("1.5 is no integer: %d %s", resp.Status, resp.Body)
	}

	resp = srv.Do(t, "POST", "/items/ids", `{"id": 9007199254740993}`)
	if resp.Status != 400 || resp.ErrorCode(t) != "INVALID_PAYLOAD" || !strings.Contains(string(resp.Body), "9007199254740993") {
		t.Fatalf("an id beyond 2^53: %d %s", resp.Status, resp.Body)
	}
	exactData(t, srv.Do(t, "POST", "/items/ids", `{"id": 9007199254740992}`), 200, `{"id":9007199254740992}`)
	exactData(t, srv.Do(t, "POST", "/items/ids", `{"id": 7.0}`), 200, `{"id":7.0}`)
	exactData(t, srv.Do(t, "GET", "/items/ids/7", nil), 200, `{"id":7.0}`)
	if resp := srv.Do(t, "POST", "/items/ids", `{"id": 7.5}`); resp.Status != 400 {
		t.Fatalf("a fractional id: %d %s", resp.Status, resp.Body)
	}
}

// TestFlowsKeepNumbersAsWritten: a flow sees the numbers of its trigger as
// sent — top-level fields and body, in templates (whole, in text and in
// JSON strings), in item operations, in filters, in exec — and its answer,
// its run record and the items it writes keep their digits; async runs
// too.
func TestFlowsKeepNumbersAsWritten(t *testing.T) {
	t.Parallel()
	srv := hookflowtest.New(t)
	operations := `[
		{"id": "save", "operation": "item-create", "options": {"collection": "flownums", "payload": "{{$trigger.body}}"}},
		{"id": "save2", "operation": "item-create", "options": {"collection": "flownums",
			"payload": "{\"a\": {{$trigger.a}}, \"s\": \"{{$trigger.d}}\", \"lit\": 12345678901234567891}"}},
		{"id": "touch", "operation": "item-update", "options": {"collection": "flownums", "key": "{{save2.id}}",
			"payload": {"b": "{{$trigger.x}}", "c": 98765432109876543210}}},
		{"id": "read", "operation": "item-read", "options": {"collection": "flownums",
			"query": {"filter": {"d": {"_eq": 9007199254740993}}, "fields": ["id", "d"]}}},
		{"id": "big", "operation": "condition", "options": {"filter": {"$trigger": {"d": {"_gt": 9007199254740992}}}}, "reject": "small"},
		{"id": "calc", "operation": "exec", "options": {"expression":
			"{\"gt\": $trigger.d > 9007199254740990, \"a\": $trigger.a, \"sum\": $trigger.one + 1, \"huge\": $trigger.e > 1e308, \"e\": $trigger.e}"}},
		{"id": "out", "operation": "transform", "options": {"json": {
			"text": "a={{$trigger.a}} d={{$trigger.body.d}} x={{$trigger.x}} e={{$trigger.e}}",
			"a": "{{$trigger.a}}", "touched": "{{touch}}", "saved2": "{{save2}}", "read": "{{read}}", "calc": "{{calc}}"}}},
		{"id": "small", "operation": "transform", "options": {"json": "rejected"}}
	]`
	body := `{"a":12345678901234567890,"d":9007199254740993,"x":0.1000000000000000055511151231257827,"one":1.0,"e":1e400}`
	want := `{
		"text": "a=12345678901234567890 d=9007199254740993 x=0.1000000000000000055511151231257827 e=1e400",
		"a": 12345678901234567890,
		"touched": {"id": 2, "a": 12345678901234567890, "s": "9007199254740993", "lit": 12345678901234567891,
			"b": 0.1000000000000000055511151231257827, "c": 98765432109876543210},
		"saved2": {"id": 2, "a": 12345678901234567890, "s": "9007199254740993", "lit": 12345678901234567891},
		"read": [{"id": 1, "d": 9007199254740993}],
		"calc": {"gt": true, "a": 12345678901234567890, "sum": 2, "huge": true, "e": 1e400}
	}`

	sync := flow(t, srv, `{}`, operations)
	resp := srv.Do(t, "POST", sync, body)
	exactData(t, resp, 200, want)
	exactData(t, srv.Do(t, "GET", "/items/flownums/1", nil), 200,
		`{"a":12345678901234567890,"d":9007199254740993,"e":1e400,"id":1,"one":1.0,"x":0.1000000000000000055511151231257827}`)

	run := srv.Do(t, "GET", "/flows/runs/"+resp.Header.Get("X-Run-Id"), nil)
	var record struct {
		Data struct {
			Trigger struct {
				Body json.RawMessage `json:"body"`
			} `json:"trigger"`
			Result json.RawMessage `json:"result"`
			Steps  []struct {
				Key    string          `json:"key"`
				Result json.RawMessage `json:"result"`
			} `json:"steps"`
		} `json:"data"`
	}
	if err := json.Unmarshal(run.Body, &record); err != nil || len(record.Data.Steps) == 0 {
		t.Fatalf("run record %d %s", run.Status, run.Body)
	}
	if got := exactJSON(t, record.Data.Trigger.Body); got != exactJSON(t, []byte(body)) {
		t.Errorf("recorded trigger body %s", got)
	}
	if got := exactJSON(t, record.Data.Result); got != exactJSON(t, []byte(want)) {
		t.Errorf("recorded result %s", got)
	}
	if s := record.Data.Steps[0]; s.Key != "save" || !strings.Contains(exactJSON(t, s.Result), `"a":12345678901234567890`) {
		t.Errorf("recorded step %s: %s", s.Key, s.Result)
	}

	async := flow(t, srv, `{"async": true}`, operations)
	queued := srv.Do(t, "POST", async, body)
	if queued.Status != 202 {
		t.Fatalf("async trigger: %d %s", queued.Status, queued.Body)
	}
	// (hookflowtest's WaitRun decodes numbers as float64, which 1e400 is
	// beyond.)
	var asyncRecord struct {
		Data struct {
			Status string          `json:"status"`
			Result json.RawMessage `json:"result"`
		} `json:"data"`
	}
	waitFor(t, func() bool {
		resp := srv.Do(t, "GET", "/flows/runs/"+queued.Header.Get("X-Run-Id"), nil)
		return resp.Status == 200 && json.Unmarshal(resp.Body, &asyncRecord) == nil &&
			(asyncRecord.Data.Status == "completed" || asyncRecord.Data.Status == "failed")
	}, "the async run to finish")
	if asyncRecord.Data.Status != "completed" {
		t.Fatalf("async run %s: %s", asyncRecord.Data.Status, asyncRecord.Data.Result)
	}
	got := exactJSON(t, asyncRecord.Data.Result)
	for _, digits := range []string{
		`"a":12345678901234567890`, `"lit":12345678901234567891`, `"e":1e400`,
		`"b":0.1000000000000000055511151231257827`, `"text":"a=12345678901234567890 d=9007199254740993`,
	} {
		if !strings.Contains(got, digits) {
			t.Errorf("async result %s lacks %s", got, digits)
		}
	}
}

// encodeQuery escapes the values of a query string written for reading.
func encodeQuery(q string) string {
	var parts []string
	for _, kv := range strings.Split(q, "&") {
		k, v, _ := strings.Cut(kv, "=")
		parts = append(parts, url.QueryEscape(k)+"="+url.QueryEscape(v))
	}
	return strings.Join(parts, "&")
}
