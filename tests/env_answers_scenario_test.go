package tests

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hookflow/hookflow/hookflowtest"
)

// TestEnvSecretsNeverReachCallers: the seed's API key check compares a
// header with {{$env.WEBHOOK_SECRET}}; a caller with a wrong key must not
// read the right one in the condition's report (the run's $last, returned
// or sent as FLOW_REJECTED data), nor in the message of a failure built
// from rendered options (a request URL carrying an API key).
func TestEnvSecretsNeverReachCallers(t *testing.T) {
	t.Parallel()
	const secret = "s3cr3t-webhook-key"
	const apiKey = "upstream-api-key-123"
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "down", http.StatusServiceUnavailable)
	}))
	defer upstream.Close()
	srv := hookflowtest.New(t, withEnv(map[string]string{"WEBHOOK_SECRET": secret, "API_KEY": apiKey}), allowLoopback)
	check := `{"id":"auth","operation":"condition","options":{"filter":{"x-api-key":{"_eq":"{{$env.WEBHOOK_SECRET}}"}}}}`
	flows := map[string]string{
		"returned": srv.CreateFlow(t, `{"options":{"access":"public"},"operations":[`+check+`]}`),
		"rejected": srv.CreateFlow(t, `{"options":{"access":"public","error_on_reject":true},"operations":[`+check+`]}`),
		"request": srv.CreateFlow(t, `{"options":{"access":"public"},"operations":[
			{"id":"call","operation":"request","options":{"url":"`+upstream.URL+`/v1?key={{$env.API_KEY}}"}}]}`),
	}
	for name, id := range flows {
		r := srv.Do(t, http.MethodPost, "/flows/trigger/"+id, `{"a":1}`, "Authorization", "", "X-Api-Key", "guess")
		if strings.Contains(string(r.Body), secret) || strings.Contains(string(r.Body), apiKey) {
			t.Errorf("%s: the answer shows an $env value: %d %s", name, r.Status, r.Body)
		}
		if !strings.Contains(string(r.Body), "[REDACTED]") {
			t.Errorf("%s: %d %s", name, r.Status, r.Body)
		}
	}
	// The right key still passes, and the check's report keeps the rest.
	r := srv.Do(t, http.MethodPost, "/flows/trigger/"+flows["rejected"], `{"a":1}`, "Authorization", "", "X-Api-Key", secret)
	if r.Status != http.StatusOK {
		t.Fatalf("right key: %d %s", r.Status, r.Body)
	}
	r = srv.Do(t, http.MethodPost, "/flows/trigger/"+flows["rejected"], `{"a":1}`, "Authorization", "", "X-Api-Key", "guess")
	ext := r.JSON(t)["errors"].([]any)[0].(map[string]any)["extensions"].(map[string]any)
	mismatch := ext["data"].(map[string]any)["errors"].([]any)[0].(map[string]any)
	if r.Status != http.StatusBadRequest || mismatch["actual"] != "guess" || mismatch["expected"] != "[REDACTED]" || mismatch["field"] != "x-api-key" {
		t.Fatalf("report = %v", mismatch)
	}
}
