package tests

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/hookflow/hookflow/hookflowtest"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

const slugFlow = `{"name": "push", "options": {"access": "public"}, "operations": [
	{"id": "shape", "operation": "transform", "options": {"json": {"got": "{{$trigger.n}}"}}}]}`

// TestPutCreatesOrUpdates: PUT /flows/<new id> creates (201), the same
// document again changes nothing (200), and the slug names the trigger
// URL in any case.
func TestPutCreatesOrUpdates(t *testing.T) {
	t.Parallel()
	srv := hookflowtest.New(t)
	first := srv.Do(t, "PUT", "/flows/github-push", slugFlow)
	if first.Status != http.StatusCreated || first.Data(t).(map[string]any)["id"] != "github-push" {
		t.Fatalf("create: %d %s", first.Status, first.Body)
	}
	again := srv.Do(t, "PUT", "/flows/github-push", slugFlow)
	if again.Status != http.StatusOK || again.Data(t).(map[string]any)["date_updated"] != nil {
		t.Fatalf("the same document again: %d %s", again.Status, again.Body)
	}
	for _, path := range []string{"/flows/trigger/github-push", "/flows/trigger/GitHub-Push"} {
		if resp := srv.Do(t, "POST", path, `{"n": 7}`); resp.Status != 200 || resp.Data(t).(map[string]any)["got"] != float64(7) {
			t.Errorf("%s: %d %s", path, resp.Status, resp.Body)
		}
	}
	changed := srv.Do(t, "PUT", "/flows/github-push", strings.Replace(slugFlow, `"push"`, `"push v2"`, 1))
	if changed.Status != http.StatusOK || changed.Data(t).(map[string]any)["date_updated"] == nil {
		t.Fatalf("a change: %d %s", changed.Status, changed.Body)
	}
	for _, tc := range []struct{ path, body string }{
		{"/flows/Not-Lower", slugFlow},
		{"/flows/other", `{"id": "github-push"}`},
		{"/flows/" + strings.Repeat("x", 65), slugFlow},
	} {
		if resp := srv.Do(t, "PUT", tc.path, tc.body); resp.Status != 400 || resp.ErrorCode(t) != "INVALID_PAYLOAD" {
			t.Errorf("PUT %s: %d %s", tc.path, resp.Status, resp.Body)
		}
	}

	// A role that may update flows but not create them cannot create one
	// with PUT.
	srv.CreateRole(t, "editor", map[string]any{"collection": "flows", "action": "update"})
	_, token := srv.CreateUser(t, "editor")
	if resp := srv.Do(t, "PUT", "/flows/new-one", slugFlow, "Authorization", "Bearer "+token); resp.Status != 404 {
		t.Fatalf("PUT of a new flow without create: %d %s", resp.Status, resp.Body)
	}
	if resp := srv.Do(t, "PUT", "/flows/github-push", slugFlow, "Authorization", "Bearer "+token); resp.Status != 200 {
		t.Fatalf("PUT of an existing flow with update: %d %s", resp.Status, resp.Body)
	}
}

// TestExportRoundTrip: the export of a flow applies as it is (also
// pasted with the server's fields), and applying it on an empty server
// exports the same bytes.
func TestExportRoundTrip(t *testing.T) {
	t.Parallel()
	srv := hookflowtest.New(t)
	id := srv.CreateFlow(t, `{"name": "orders", "accountability": null, "options": {"method": "POST", "return": "$all"},
		"operations": [
			{"id": "check", "operation": "condition", "options": {"filter": {"total": {"_gt": 12345678901234567890}}},
			 "resolve": "save", "reject": "refuse"},
			{"id": "save", "key": "saved", "operation": "transform", "options": {"json": {"t": "{{$trigger.total}}", "x": 1.50}}},
			{"operation": "log", "options": {"message": "<done> & {{saved.t}}"}},
			{"id": "refuse", "operation": "throw-error", "options": {"status": 422, "code": "NO", "message": "no"}}]}`)
	export := srv.Do(t, "GET", "/flows/"+id+"?export=true", nil)
	if export.Status != 200 || !bytes.HasSuffix(export.Body, []byte("}\n")) || !bytes.Contains(export.Body, []byte("\n  \"name\": \"orders\"")) ||
		bytes.Contains(export.Body, []byte("date_created")) || !bytes.Contains(export.Body, []byte("12345678901234567890")) ||
		!bytes.Contains(export.Body, []byte("1.50")) || !bytes.Contains(export.Body, []byte("<done> & ")) {
		t.Fatalf("export: %d\n%s", export.Status, export.Body)
	}
	if resp := srv.Do(t, "PUT", "/flows/"+id, export.Body); resp.Status != 200 || resp.Data(t).(map[string]any)["date_updated"] != nil {
		t.Fatalf("the export applied to itself changed the flow: %d %s", resp.Status, resp.Body)
	}
	answer := srv.Do(t, "GET", "/flows/"+id, nil)
	if resp := srv.Do(t, "PUT", "/flows/"+id, answer.Body); resp.Status != 200 || resp.Data(t).(map[string]any)["date_updated"] != nil {
		t.Fatalf("the GET answer pasted back: %d %s", resp.Status, resp.Body)
	}

	other := hookflowtest.New(t)
	if resp := other.Do(t, "PUT", "/flows/"+id, export.Body); resp.Status != http.StatusCreated {
		t.Fatalf("apply on an empty server: %d %s", resp.Status, resp.Body)
	}
	if again := other.Do(t, "GET", "/flows/"+id+"?export=true", nil); !bytes.Equal(again.Body, export.Body) {
		t.Fatalf("export → apply → export differs:\n%s\n---\n%s", export.Body, again.Body)
	}
	list := srv.Do(t, "GET", "/flows?export=true", nil)
	docs := list.Data(t).([]any)
	if len(docs) != 1 || docs[0].(map[string]any)["id"] != id || docs[0].(map[string]any)["date_created"] != nil {
		t.Fatalf("export list: %s", list.Body)
	}
}

// TestTemplateRootsAreChecked: typos in the name a path starts with are
// upload errors with a suggestion, in every shape of upload.
func TestTemplateRootsAreChecked(t *testing.T) {
	t.Parallel()
	srv := hookflowtest.New(t)
	doc := `{"operations": [
		{"id": "process-order", "operation": "transform", "options": {"json": {"a": "{{$triger.x}}"}}},
		{"id": "b", "operation": "log", "options": {"message": "{{procss-order.id}}"}}]}`
	for _, req := range []struct{ method, path string }{{"POST", "/flows"}, {"PUT", "/flows/typos"}} {
		resp := srv.Do(t, req.method, req.path, doc)
		errs, _ := resp.JSON(t)["errors"].([]any)
		if resp.Status != 400 || len(errs) != 2 {
			t.Fatalf("%s %s: %d %s", req.method, req.path, resp.Status, resp.Body)
		}
		for i, want := range []struct{ path, says string }{
			{"operations[0].options.json.a", `did you mean "$trigger"?`},
			{"operations[1].options.message", `did you mean "process-order"?`},
		} {
			e := errs[i].(map[string]any)
			if e["extensions"].(map[string]any)["path"] != want.path || !strings.Contains(e["message"].(string), want.says) {
				t.Errorf("%s %s: finding %d: %v", req.method, req.path, i, e)
			}
		}
	}
	if resp := srv.Do(t, "GET", "/flows/typos", nil); resp.Status != 404 {
		t.Fatalf("a refused PUT created the flow: %d", resp.Status)
	}
}

// TestEnvOutsideTheAllowList: an upload that reads a variable the allow
// list does not hold is saved with a warning, and the step that fails on
// its null says why.
func TestEnvOutsideTheAllowList(t *testing.T) {
	t.Parallel()
	srv := hookflowtest.New(t, withEnv(map[string]string{"ALLOWED": "yes"}))
	resp := srv.Do(t, "PUT", "/flows/github", `{"options": {"access": "public"}, "operations": [
		{"id": "verify", "operation": "exec", "options": {"expression": "hmac_sha256($env.GITHUB_WEBHOOK_SECRET, $trigger.raw)"}},
		{"id": "ok", "operation": "transform", "options": {"json": {"a": "{{$env.ALLOWED}}", "h": "{{$env.HOME}}"}}}]}`)
	warnings, _ := resp.JSON(t)["meta"].(map[string]any)["warnings"].([]any)
	if resp.Status != http.StatusCreated || len(warnings) != 2 {
		t.Fatalf("upload: %d %s", resp.Status, resp.Body)
	}
	for i, path := range []string{"operations[0].options.expression", "operations[1].options.json.h"} {
		if w := warnings[i].(map[string]any); w["path"] != path || !strings.Contains(w["message"].(string), "FLOWS_ENV_ALLOW_LIST") {
			t.Errorf("warning %d: %v", i, w)
		}
	}
	run := srv.Do(t, "POST", "/flows/trigger/github", `{}`)
	if run.Status != 500 || !strings.Contains(string(run.Body), "$env.GITHUB_WEBHOOK_SECRET: not set") {
		t.Fatalf("run: %d %s", run.Status, run.Body)
	}
}

// TestApplyEndpoint: POST /flows/apply is all or nothing, says what it
// did, and pruning needs the delete permission.
func TestApplyEndpoint(t *testing.T) {
	t.Parallel()
	srv := hookflowtest.New(t)
	handMade := srv.CreateFlow(t, `{"name": "by hand"}`)
	body := func(prune, dry bool, flows ...string) string {
		b, _ := json.Marshal(map[string]any{"prune": prune, "dry_run": dry, "flows": json.RawMessage("[" + strings.Join(flows, ",") + "]")})
		return string(b)
	}
	a, b := `{"id": "a", "name": "a"}`, `{"id": "b", "name": "b"}`
	bad := `{"id": "c", "operations": [{"id": "x", "operation": "nope"}]}`

	refused := srv.Do(t, "POST", "/flows/apply", body(true, false, a, bad, `{"name": "no id"}`))
	if refused.Status != 400 {
		t.Fatalf("refused: %d %s", refused.Status, refused.Body)
	}
	var paths []string
	for _, e := range refused.JSON(t)["errors"].([]any) {
		paths = append(paths, e.(map[string]any)["extensions"].(map[string]any)["path"].(string))
	}
	if strings.Join(paths, " ") != "flows[1].operations[0].type flows[2].id" {
		t.Fatalf("finding paths %v", paths)
	}
	if list := srv.Do(t, "GET", "/flows", nil).Data(t).([]any); len(list) != 1 {
		t.Fatalf("a refused apply changed %d flows", len(list)-1)
	}

	check := func(resp *hookflowtest.Response, want map[string][]any) {
		t.Helper()
		data := resp.Data(t).(map[string]any)
		for k, ids := range want {
			got, _ := json.Marshal(data[k])
			exp, _ := json.Marshal(ids)
			if string(got) != string(exp) {
				t.Errorf("%s: %s, want %s (%s)", k, got, exp, resp.Body)
			}
		}
	}
	dry := srv.Do(t, "POST", "/flows/apply", body(true, true, a, b))
	check(dry, map[string][]any{"created": {"a", "b"}, "deleted": {handMade}, "updated": {}, "unchanged": {}})
	if n := len(srv.Do(t, "GET", "/flows", nil).Data(t).([]any)); n != 1 {
		t.Fatalf("a dry run changed the flows: %d", n)
	}
	check(srv.Do(t, "POST", "/flows/apply", body(false, false, a, b)), map[string][]any{"created": {"a", "b"}, "deleted": {}})
	check(srv.Do(t, "POST", "/flows/apply", body(false, false, a, b)), map[string][]any{"unchanged": {"a", "b"}, "created": {}})

	srv.CreateRole(t, "deployer",
		map[string]any{"collection": "flows", "action": "create"}, map[string]any{"collection": "flows", "action": "update"})
	_, token := srv.CreateUser(t, "deployer")
	as := []string{"Authorization", "Bearer " + token}
	if resp := srv.Do(t, "POST", "/flows/apply", body(true, false, a, b), as...); resp.Status != 403 {
		t.Fatalf("prune without delete: %d %s", resp.Status, resp.Body)
	}
	renamed := `{"id": "b", "name": "b, renamed"}`
	check(srv.Do(t, "POST", "/flows/apply", body(false, false, a, renamed), as...), map[string][]any{"updated": {"b"}, "unchanged": {"a"}})
	check(srv.Do(t, "POST", "/flows/apply", body(true, false, a, renamed)), map[string][]any{"deleted": {handMade}})
	if resp := srv.Do(t, "GET", "/flows/"+handMade, nil); resp.Status != 404 {
		t.Fatalf("the pruned flow is still there: %d", resp.Status)
	}
	for _, wrong := range []string{`{"flows": {}}`, `{"flows": [], "prune": "yes"}`, `{"flows": [1]}`, `{"flows": [], "force": true}`} {
		if resp := srv.Do(t, "POST", "/flows/apply", wrong); resp.Status != 400 {
			t.Errorf("%s: %d %s", wrong, resp.Status, resp.Body)
		}
	}
}

// TestFlowSchemaIsServed: the schema is public, and the files the server
// exports validate against it.
func TestFlowSchemaIsServed(t *testing.T) {
	t.Parallel()
	srv := hookflowtest.New(t)
	resp := srv.Do(t, "GET", "/server/specs/flow-schema", nil, "Authorization", "")
	if resp.Status != 200 || resp.Header.Get("Content-Type") != "application/schema+json" {
		t.Fatalf("schema: %d %s", resp.Status, resp.Header)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(resp.Body))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("flow-schema", doc); err != nil {
		t.Fatal(err)
	}
	schema, err := c.Compile("flow-schema")
	if err != nil {
		t.Fatal(err)
	}
	id := srv.CreateFlow(t, `{"name": "x", "operations": [{"id": "a", "operation": "request", "options": {"url": "https://example.com"}}]}`)
	file, err := jsonschema.UnmarshalJSON(bytes.NewReader(srv.Do(t, "GET", "/flows/"+id+"?export=true", nil).Body))
	if err != nil {
		t.Fatal(err)
	}
	if err := schema.Validate(file); err != nil {
		t.Fatalf("the export does not validate: %v", err)
	}
}
