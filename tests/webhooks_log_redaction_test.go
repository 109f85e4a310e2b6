package tests

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/hookflow/hookflow/hookflowtest"
)

// TestDeliveryLogRedactsResponseCredentials: credentials a receiver
// answers with (a session cookie, a token, an authentication challenge)
// are redacted in the logged response headers, as they are in the logged
// request; other headers stay.
func TestDeliveryLogRedactsResponseCredentials(t *testing.T) {
	t.Parallel()
	rc := hookflowtest.NewReceiver(t)
	rc.SetAnswer(func(n int, _ *http.Request) (int, http.Header) {
		return http.StatusOK, http.Header{
			"Set-Cookie":         {"session=sess-secret-1; HttpOnly", "csrf=sess-secret-2"},
			"Authorization":      {"Bearer resp-secret-3"},
			"Proxy-Authenticate": {`Basic realm="resp-secret-4"`},
			"X-Api-Token":        {"resp-secret-5"},
			"X-Reason":           {"kept"},
		}
	})
	srv := hookflowtest.New(t, allowLoopback)
	hook := createWebhook(t, srv, map[string]any{"name": "cookies", "actions": "create", "collections": "orders", "url": rc.URL})
	tested := srv.Do(t, "POST", webhookPath(hook, "/test"), nil)
	check(t, tested, 200, "")
	id := fmt.Sprint(tested.Data(t).(map[string]any)["id"])
	for _, path := range []string{webhookPath(hook, "/test"), "/webhooks/deliveries/" + id, "/webhook_calls/" + id} {
		var resp *hookflowtest.Response
		switch {
		case strings.HasSuffix(path, "/test"):
			resp = tested
		case strings.HasPrefix(path, "/webhook_calls"):
			resp = srv.Do(t, "GET", path, nil, "X-Api-Version", "2")
		default:
			resp = srv.Do(t, "GET", path, nil)
		}
		check(t, resp, 200, "")
		for i := 1; i <= 5; i++ {
			if secret := fmt.Sprintf("secret-%d", i); strings.Contains(string(resp.Body), secret) {
				t.Errorf("%s shows %s: %s", path, secret, resp.Body)
			}
		}
		if !strings.Contains(string(resp.Body), "kept") || !strings.Contains(string(resp.Body), "[REDACTED]") {
			t.Errorf("%s: logged response headers %s", path, resp.Body)
		}
	}
}
