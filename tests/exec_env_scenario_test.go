package tests

import (
	"net/http"
	"strings"
	"testing"

	"github.com/hookflow/hookflow/hookflowtest"
)

// TestExecReadsEnvAsTemplatesDo: `$env.NAME` in an exec expression is the
// allowed variable, as `{{$env.NAME}}` is in templates; `$env` shows only
// the allowed variables; their values are hidden in error answers.
func TestExecReadsEnvAsTemplatesDo(t *testing.T) {
	t.Parallel()
	const secret = "hush-hush-1234"
	srv := hookflowtest.New(t, withEnv(map[string]string{"REGION": "eu-west", "SIGNING_SECRET": secret}))
	id := srv.CreateFlow(t, `{"trigger": "webhook", "options": {"access": "public"}, "operations": [
		{"id": "prepare-order", "operation": "transform", "options": {"json": {"id": 7}}},
		{"id": "script", "operation": "exec", "options": {"expression":
			"{\"region\": $env.REGION, \"template\": \"{{$env.REGION}}\", \"signed\": hmac_sha256($env[\"SIGNING_SECRET\"], \"x\") == hmac_sha256(\"`+secret+`\", \"x\"), \"names\": keys($env), \"order\": $env[\"prepare-order\"].id}"}}]}`)
	resp := srv.Do(t, http.MethodPost, "/flows/trigger/"+id, `{}`)
	check(t, resp, http.StatusOK, `{"data": {"region": "eu-west", "template": "{{$env.REGION}}", "signed": true, "names": "<any>", "order": 7}}`)
	names, _ := resp.Data(t).(map[string]any)["names"].([]any)
	if len(names) != 2 {
		t.Fatalf("$env shows %v, want only the allowed variables", names)
	}
	rejecting := srv.CreateFlow(t, `{"trigger": "webhook", "options": {"access": "public", "error_on_reject": true}, "operations": [
		{"id": "verify", "operation": "exec", "options": {"expression": "reject({\"expected\": $env.SIGNING_SECRET})"}}]}`)
	resp = srv.Do(t, http.MethodPost, "/flows/trigger/"+rejecting, `{}`)
	if resp.Status != http.StatusBadRequest || strings.Contains(string(resp.Body), secret) || !strings.Contains(string(resp.Body), "[REDACTED]") {
		t.Fatalf("rejected answer: %d %s", resp.Status, resp.Body)
	}
}
