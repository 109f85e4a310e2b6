package tests

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/hookflow/hookflow/hookflowtest"
	"github.com/hookflow/hookflow/jsondepth"
	"github.com/hookflow/hookflow/triggers"
)

// arrays is n arrays nested in one another.
func arrays(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) }

// flowNesting is a flow document whose transform option holds n nested
// arrays: the document nests n+4 levels.
func flowNesting(n int) string {
	return `{"trigger": "webhook", "operations": [{"id": "a", "operation": "transform", "options": {"json": ` + arrays(n) + `}}]}`
}

// readableByJQ reports whether a response nests within what jq 1.6 reads.
func readableByJQ(body []byte) bool { return !jsondepth.Exceeds(body, 256) }

func TestManagementDocumentsNestAtMostMaxDocumentLevels(t *testing.T) {
	t.Parallel()
	srv := hookflowtest.New(t)
	atLimit := jsondepth.MaxDocument - 4
	id := srv.CreateFlow(t, flowNesting(atLimit))
	opID := srv.Do(t, "GET", "/flows/"+id, nil).Data(t).(map[string]any)["operations"].([]any)[0].(map[string]any)["id"].(string)

	tooDeep := flowNesting(atLimit + 1)
	wantPath := "operations[0].options.json" + strings.Repeat("[0]", atLimit)
	for _, tc := range []struct {
		name, method, path, body, wantPath string
	}{
		{"create", "POST", "/flows", tooDeep, wantPath},
		{
			"create several", "POST", "/flows", "[" + flowNesting(1) + "," + tooDeep + "]",
			"[1].operations[0].options.json" + strings.Repeat("[0]", atLimit-1),
		},
		{"patch", "PATCH", "/flows/" + id, tooDeep, wantPath},
		{"replace", "PUT", "/flows/" + id, tooDeep, wantPath},
		{
			"add an operation", "POST", "/operations", `{"flow": "` + id + `", "type": "transform", "options": {"json": ` + arrays(jsondepth.MaxDocument) + `}}`,
			"options.json" + strings.Repeat("[0]", jsondepth.MaxDocument-2),
		},
		{
			"change an operation", "PATCH", "/operations/" + opID + "?flow=" + id, `{"options": {"json": ` + arrays(9000) + `}}`,
			"options.json" + strings.Repeat("[0]", jsondepth.MaxDocument-2),
		},
		{
			"create a collection", "POST", "/collections", `{"collection": "deep", "schema": {"type": "object", "x": ` + arrays(9000) + `}}`,
			"schema.x" + strings.Repeat("[0]", jsondepth.MaxDocument-2),
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := srv.Do(t, tc.method, tc.path, tc.body)
			errs, _ := resp.JSON(t)["errors"].([]any)
			if resp.Status != 400 || resp.ErrorCode(t) != "INVALID_PAYLOAD" || len(errs) != 1 {
				t.Fatalf("got %d %.300s", resp.Status, resp.Body)
			}
			ext := errs[0].(map[string]any)["extensions"].(map[string]any)
			if ext["path"] != tc.wantPath || !strings.Contains(errs[0].(map[string]any)["message"].(string), "deeper than 128 levels") {
				t.Fatalf("path %v, want %s: %.300s", ext["path"], tc.wantPath, resp.Body)
			}
		})
	}
	list := srv.Do(t, "GET", "/flows", nil)
	if list.Status != 200 || !readableByJQ(list.Body) {
		t.Fatalf("GET /flows: %d, readable %v", list.Status, readableByJQ(list.Body))
	}
	if got := srv.Do(t, "GET", "/collections/deep", nil); got.Status != 404 {
		t.Fatalf("the refused collection exists: %d", got.Status)
	}
}

func TestItemsKeepTheirOwnDepthLimit(t *testing.T) {
	t.Parallel()
	srv := hookflowtest.New(t)
	deep := `{"id": 1, "tree": ` + arrays(500) + `}`
	if resp := srv.Do(t, "POST", "/items/trees", deep); resp.Status != 200 {
		t.Fatalf("create: %d %.300s", resp.Status, resp.Body)
	}
	if resp := srv.Do(t, "PATCH", "/items/trees/1", `{"tree": `+arrays(600)+`}`); resp.Status != 200 {
		t.Fatalf("update: %d %.300s", resp.Status, resp.Body)
	}
	if resp := srv.Do(t, "PATCH", "/items/trees/1", `{"tree": `+arrays(1001)+`}`); resp.Status != 400 || resp.ErrorCode(t) != "INVALID_PAYLOAD" {
		t.Fatalf("update beyond 1000 levels: %d %.300s", resp.Status, resp.Body)
	}
}

func TestDeepTriggerBodiesKeepRunRecordsReadable(t *testing.T) {
	t.Parallel()
	srv := hookflowtest.New(t)
	id := srv.CreateFlow(t, map[string]any{
		"trigger": "webhook", "options": map[string]any{"return": "depth"},
		"operations": []any{
			map[string]any{"id": "wrap", "operation": "transform", "options": map[string]any{"json": map[string]any{"tree": "{{$trigger.tree}}"}}},
			map[string]any{"id": "depth", "operation": "exec", "options": map[string]any{"expression": "len(json_stringify(wrap.tree))"}},
		},
	})
	body := `{"tree": ` + arrays(triggers.MaxBodyDepth-1) + `}`
	resp := srv.Do(t, "POST", "/flows/trigger/"+id, body)
	if resp.Status != 200 || toJSONText(resp.Data(t)) != fmt.Sprint(2*(triggers.MaxBodyDepth-1)) {
		t.Fatalf("the flow did not see the whole body: %d %.300s", resp.Status, resp.Body)
	}
	run, raw := srv.WaitRun(t, resp.Header.Get("X-Run-Id"))
	if !readableByJQ(raw) {
		t.Fatalf("the run record nests deeper than jq reads")
	}
	var anyValue any
	if err := json.Unmarshal(raw, &anyValue); err != nil || run["status"] != "completed" {
		t.Fatalf("run %v: %v", run["status"], err)
	}
	if n := strings.Count(string(raw), "[nested deeper than 128 levels]"); n < 2 {
		t.Fatalf("%d markers in the record (trigger body, wrap's result): %.300s", n, raw)
	}

	resp = srv.Do(t, "POST", "/flows/trigger/"+id, `{"tree": `+arrays(triggers.MaxBodyDepth)+`}`)
	if resp.Status != 400 || resp.ErrorCode(t) != "INVALID_PAYLOAD" || !strings.Contains(string(resp.Body), "deeper than 1000 levels") {
		t.Fatalf("a body beyond the limit: %d %.300s", resp.Status, resp.Body)
	}
}

// TestDeepBodiesCanBeQueued: a queued run keeps its whole request for a
// restart; a body at the limit is stored and run (one 9999 levels deep
// could not be stored and answered 500).
func TestDeepBodiesCanBeQueued(t *testing.T) {
	t.Parallel()
	srv := hookflowtest.New(t)
	id := srv.CreateFlow(t, map[string]any{
		"trigger": "webhook", "options": map[string]any{"async": true},
		"operations": []any{map[string]any{"id": "depth", "operation": "exec", "options": map[string]any{"expression": "len(json_stringify($trigger.tree))"}}},
	})
	resp := srv.Do(t, "POST", "/flows/trigger/"+id, `{"tree": `+arrays(triggers.MaxBodyDepth-1)+`}`)
	if resp.Status != 202 {
		t.Fatalf("queue: %d %.300s", resp.Status, resp.Body)
	}
	run, _ := srv.WaitRun(t, resp.Data(t).(map[string]any)["id"].(string))
	if run["status"] != "completed" || toJSONText(run["result"]) != fmt.Sprint(2*(triggers.MaxBodyDepth-1)) {
		t.Fatalf("run %v, result %v", run["status"], run["result"])
	}
	resp = srv.Do(t, "POST", "/flows/trigger/"+id, `{"tree": `+arrays(9998)+`}`)
	if resp.Status != 400 || resp.ErrorCode(t) != "INVALID_PAYLOAD" {
		t.Fatalf("a body 9999 levels deep: %d %.300s", resp.Status, resp.Body)
	}
}
