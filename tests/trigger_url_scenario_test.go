package tests

import (
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hookflow/hookflow"
	"github.com/hookflow/hookflow/hookflowtest"
	"github.com/hookflow/hookflow/operations"
)

func TestTriggerHeadAnswersLikeGetWithoutABody(t *testing.T) {
	t.Parallel()
	runs := &atomic.Int64{}
	srv := hookflowtest.New(t, func(c *hookflow.Config) {
		c.Operations = map[string]operations.Operation{"count-run": countingOp{runs}}
	})
	getFlow := srv.CreateFlow(t, map[string]any{
		"trigger": "webhook", "options": map[string]any{"method": "GET"},
		"operations": []any{map[string]any{"operation": "count-run"}},
	})
	postFlow := srv.CreateFlow(t, map[string]any{
		"trigger":    "webhook",
		"operations": []any{map[string]any{"operation": "count-run"}},
	})

	resp := srv.Do(t, "HEAD", "/flows/trigger/"+getFlow, nil)
	if resp.Status != 200 || len(resp.Body) != 0 || resp.Header.Get("X-Run-Id") == "" || runs.Load() != 1 {
		t.Fatalf("HEAD: %d %q, run %q, %d runs", resp.Status, resp.Body, resp.Header.Get("X-Run-Id"), runs.Load())
	}
	if resp := srv.Do(t, "POST", "/flows/trigger/"+getFlow, map[string]any{}); resp.Status != 405 || resp.Header.Get("Allow") != "GET, HEAD" {
		t.Fatalf("POST on a GET flow: %d, Allow %q", resp.Status, resp.Header.Get("Allow"))
	}
	resp = srv.Do(t, "HEAD", "/flows/trigger/"+postFlow, nil)
	if resp.Status != 405 || resp.Header.Get("Allow") != "POST" || len(resp.Body) != 0 || runs.Load() != 1 {
		t.Fatalf("HEAD on a POST flow: %d %q, Allow %q, %d runs", resp.Status, resp.Body, resp.Header.Get("Allow"), runs.Load())
	}
}

func TestTriggerURLForms(t *testing.T) {
	t.Parallel()
	srv := hookflowtest.New(t)
	echo := map[string]any{
		"trigger": "webhook", "options": map[string]any{"return": "$trigger.body"},
		"operations": []any{map[string]any{"operation": "log", "options": map[string]any{"message": "called"}}},
	}
	id := srv.CreateFlow(t, echo)
	for name, path := range map[string]string{
		"trailing slash":     "/flows/trigger/" + id + "/",
		"upper-case id":      "/flows/trigger/" + strings.ToUpper(id),
		"upper-case, slash":  "/flows/trigger/" + strings.ToUpper(id) + "/?x=1",
		"the id as uploaded": "/flows/trigger/" + id,
	} {
		if resp := srv.Do(t, "POST", path, `{"n": 1}`); resp.Status != 200 || toJSONText(resp.Data(t)) != `{"n":1}` {
			t.Errorf("%s: %d %s", name, resp.Status, resp.Body)
		}
	}
	if resp := srv.Do(t, "POST", "/flows/trigger/"+id+"//", `{}`); resp.Status != 404 {
		t.Errorf("two slashes: %d", resp.Status)
	}

	// An id uploaded in upper case is kept in one form: it names one flow
	// whatever the case of the URL, and cannot be created twice.
	const upper = "A5B0C7C1-7D4A-4F53-9D1C-6F1F3A2B9EFF"
	doc := map[string]any{"id": upper}
	for k, v := range echo {
		doc[k] = v
	}
	if got := srv.CreateFlow(t, doc); got != strings.ToLower(upper) {
		t.Fatalf("created as %s", got)
	}
	for _, path := range []string{"/flows/trigger/" + upper, "/flows/trigger/" + strings.ToLower(upper)} {
		if resp := srv.Do(t, "POST", path, `{"n": 2}`); resp.Status != 200 {
			t.Errorf("%s: %d %s", path, resp.Status, resp.Body)
		}
	}
	doc["id"] = strings.ToLower(upper)
	if resp := srv.Do(t, "POST", "/flows", doc); resp.Status != 409 || resp.ErrorCode(t) != "RECORD_NOT_UNIQUE" {
		t.Errorf("the lower-case form again: %d %s", resp.Status, resp.Body)
	}
	if resp := srv.Do(t, "PUT", "/flows/"+strings.ToLower(upper), map[string]any{"id": upper, "trigger": "webhook"}); resp.Status != 200 {
		t.Errorf("PUT naming the id in upper case: %d %s", resp.Status, resp.Body)
	}
}

func TestCreateFlowWithATakenIDIsAConflict(t *testing.T) {
	t.Parallel()
	srv := hookflowtest.New(t)
	id := srv.CreateFlow(t, map[string]any{"name": "first", "trigger": "webhook"})
	const fresh = "6d1f0c2e-9b8a-4c7d-8e6f-5a4b3c2d1e0f"
	for _, tc := range []struct {
		name string
		body any
		path string
	}{
		{"one flow", map[string]any{"id": id, "name": "second"}, "id"},
		{"in an array", []any{map[string]any{"id": fresh}, map[string]any{"id": id}}, "[1].id"},
		{"twice in one array", []any{map[string]any{"id": fresh, "name": "a"}, map[string]any{"id": fresh, "name": "b"}}, "[1].id"},
	} {
		resp := srv.Do(t, "POST", "/flows", tc.body)
		errs, _ := resp.JSON(t)["errors"].([]any)
		if resp.Status != 409 || resp.ErrorCode(t) != "RECORD_NOT_UNIQUE" || len(errs) != 1 ||
			errs[0].(map[string]any)["extensions"].(map[string]any)["path"] != tc.path {
			t.Errorf("%s: %d %s", tc.name, resp.Status, resp.Body)
		}
	}
	if resp := srv.Do(t, "GET", "/flows/"+fresh, nil); resp.Status != 404 {
		t.Errorf("a refused array saved a flow: %d %s", resp.Status, resp.Body)
	}
	if resp := srv.Do(t, "GET", "/flows/"+id, nil); resp.Data(t).(map[string]any)["name"] != "first" {
		t.Errorf("the existing flow changed: %s", resp.Body)
	}
	// Findings of the document come first: they are what to fix.
	resp := srv.Do(t, "POST", "/flows", map[string]any{"id": id, "trigger": "nope"})
	if resp.Status != 400 || resp.ErrorCode(t) != "INVALID_PAYLOAD" {
		t.Errorf("invalid and taken: %d %s", resp.Status, resp.Body)
	}
}

func TestTriggerBodiesWithAByteOrderMarkOrOnlyWhiteSpace(t *testing.T) {
	t.Parallel()
	srv := hookflowtest.New(t)
	id := srv.CreateFlow(t, map[string]any{"trigger": "webhook", "operations": []any{map[string]any{
		"operation": "transform",
		"options":   map[string]any{"json": map[string]any{"body": "{{$trigger.body}}", "raw": "{{$trigger.raw}}", "n": "{{$trigger.n}}"}},
	}}})
	for _, tc := range []struct {
		name, contentType, body, want string
	}{
		{"byte-order mark", "application/json; charset=utf-8", "\xef\xbb\xbf{\"n\": 1}", `{"body":{"n":1},"n":1,"raw":"\ufeff{\"n\": 1}"}`},
		{"byte-order mark, +json", "application/vnd.api+json", "\xef\xbb\xbf [1]", `{"body":[1],"n":null,"raw":"\ufeff [1]"}`},
		{"white space", "application/json", " \r\n\t ", `{"body":{},"n":null,"raw":" \r\n\t "}`},
		{"byte-order mark alone", "application/json", "\xef\xbb\xbf\n", `{"body":{},"n":null,"raw":"\ufeff\n"}`},
		{"white space as text stays text", "text/plain", "  ", `{"body":"  ","n":null,"raw":"  "}`},
	} {
		resp := srv.Do(t, "POST", "/flows/trigger/"+id, tc.body, "Content-Type", tc.contentType)
		if resp.Status != 200 || toJSONText(resp.Data(t)) != strings.ReplaceAll(tc.want, `\ufeff`, "\ufeff") {
			t.Errorf("%s: %d %s", tc.name, resp.Status, resp.Body)
			continue
		}
		run, _ := srv.WaitRun(t, resp.Header.Get("X-Run-Id"))
		stored := run["trigger"].(map[string]any)["body"]
		if want := resp.Data(t).(map[string]any)["body"]; toJSONText(stored) != toJSONText(want) {
			t.Errorf("%s: the run record holds body %s", tc.name, toJSONText(stored))
		}
	}
	if resp := srv.Do(t, "POST", "/flows/trigger/"+id, "\xef\xbb\xbf{\"n\": }"); resp.Status != 400 || resp.ErrorCode(t) != "INVALID_PAYLOAD" {
		t.Errorf("malformed JSON after a mark: %d %s", resp.Status, resp.Body)
	}
	if resp := srv.Do(t, "POST", "/flows", "\xef\xbb\xbf"+`{"trigger": "webhook"}`); resp.Status != 200 {
		t.Errorf("a flow upload with a byte-order mark: %d %s", resp.Status, resp.Body)
	}
}
