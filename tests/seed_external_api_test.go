package tests

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/hookflow/hookflow/hookflowtest"
)

// TestSeedExternalAPIIntegration runs the "External API Integration"
// example end to end: an async webhook, a request to the external API with
// a bearer token from $env, the log item created and updated, and the
// recorded run (flows/testdata/README.md notes the one change from the
// original example).
func TestSeedExternalAPIIntegration(t *testing.T) {
	t.Parallel()
	const token = "api-token-5f4e3d2c1b"
	type received struct {
		auth, contentType string
		body              map[string]any
	}
	got := make(chan received, 1)
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		var body map[string]any
		_ = json.Unmarshal(raw, &body)
		got <- received{auth: r.Header.Get("Authorization"), contentType: r.Header.Get("Content-Type"), body: body}
		if r.URL.Path != "/process" || r.Header.Get("Authorization") != "Bearer "+token {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"job": "job_1", "state": "accepted"}`)
	}))
	t.Cleanup(api.Close)

	raw, err := os.ReadFile("../flows/testdata/external_api_integration.json")
	if err != nil {
		t.Fatal(err)
	}
	doc := strings.Replace(string(raw), "https://api.example.com", api.URL, 1)
	srv := hookflowtest.New(t, allowLoopback, withEnv(map[string]string{"API_TOKEN": token}))
	id := srv.CreateFlow(t, json.RawMessage(doc))

	resp := srv.Do(t, "POST", "/flows/trigger/"+id, `{"type": "purchase", "data": {"product_id": "prod_123", "amount": 99.99}}`)
	if resp.Status != http.StatusAccepted {
		t.Fatalf("trigger: %d %s", resp.Status, resp.Body)
	}
	queued := resp.Data(t).(map[string]any)
	if queued["status"] != "queued" || resp.Header.Get("Location") != "/flows/runs/"+queued["id"].(string) {
		t.Fatalf("queued answer %s (Location %q)", resp.Body, resp.Header.Get("Location"))
	}

	run, rawRun := srv.WaitRun(t, queued["id"].(string))
	if run["status"] != "completed" {
		t.Fatalf("run did not complete: %s", rawRun)
	}
	call := <-got
	if call.contentType != "application/json" || call.body["webhook_id"] != "1" ||
		call.body["data"] != `{"amount":99.99,"product_id":"prod_123"}` {
		t.Fatalf("the API received %+v", call)
	}
	steps, _ := run["steps"].([]any)
	if len(steps) != 3 {
		t.Fatalf("steps: %s", rawRun)
	}
	final := run["result"].(map[string]any)
	result := final["result"].(map[string]any)
	if final["status"] != "processed" || final["id"] != 1.0 || result["status"] != 200.0 ||
		toJSONText(result["data"]) != `{"job":"job_1","state":"accepted"}` {
		t.Fatalf("run result %s", toJSONText(final))
	}
	if strings.Contains(string(rawRun), token) {
		t.Fatalf("the API token appears in the run record: %s", rawRun)
	}
	stored := srv.Do(t, "GET", "/items/webhook_logs/1", nil).Data(t).(map[string]any)
	if stored["status"] != "processed" || stored["data"].(map[string]any)["type"] != "purchase" || stored["received_at"] == nil {
		t.Fatalf("stored log item %v", stored)
	}
}
