package api_test

import (
	"net/http"
	"testing"

	"github.com/hookflow/hookflow/hookflowtest"
)

func TestWebhookFlowsArePrivateByDefault(t *testing.T) {
	t.Parallel()
	srv := hookflowtest.New(t)
	private := srv.CreateFlow(t, `{"options":{"return":"$accountability"},"operations":[{"operation":"log"}]}`)
	public := srv.CreateFlow(t, `{"options":{"access":"public","return":"$trigger.headers.authorization"},"operations":[{"operation":"log"}]}`)
	tests := []struct {
		name, flow, auth string
		status           int
		code             string
	}{
		{"private, no token", private, "", http.StatusUnauthorized, "UNAUTHORIZED"},
		{"private, unknown token", private, "Bearer nope", http.StatusUnauthorized, "INVALID_CREDENTIALS"},
		{"private, other scheme", private, "Basic dXNlcjpwYXNz", http.StatusUnauthorized, "INVALID_CREDENTIALS"},
		{"private, admin token", private, "Bearer " + hookflowtest.AdminToken, http.StatusOK, ""},
		{"public, no token", public, "", http.StatusOK, ""},
		{"public, the sender's own header", public, "Bearer sender-secret", http.StatusOK, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := srv.Do(t, "POST", "/flows/trigger/"+tc.flow, `{}`, "Authorization", tc.auth)
			expectStatus(t, r, tc.status, tc.code)
		})
	}
	r := srv.Do(t, "POST", "/flows/trigger/"+public, `{}`, "Authorization", "Bearer sender-secret")
	if r.Data(t) != "Bearer sender-secret" {
		t.Fatalf("a public flow must receive the sender's Authorization header: %s", r.Body)
	}
	acc := srv.Do(t, "POST", "/flows/trigger/"+private, `{}`, "User-Agent", "probe/1").Data(t).(map[string]any)
	if acc["user"] != "admin" || acc["role"] != "admin" || acc["ip"] != "127.0.0.1" || acc["userAgent"] != "probe/1" {
		t.Fatalf("$accountability = %v", acc)
	}
	if r := srv.Do(t, "POST", "/flows/trigger/"+private+"?access_token="+hookflowtest.AdminToken, `{}`, "Authorization", ""); r.Status != 200 {
		t.Fatalf("?access_token= must authenticate: %d", r.Status)
	}
}

func TestManagementAPINeedsTheAdminToken(t *testing.T) {
	t.Parallel()
	srv := hookflowtest.New(t)
	for _, path := range []string{"/flows", "/operations", "/flows/runs/x", "/flows/x/runs"} {
		expectStatus(t, srv.Do(t, "GET", path, nil, "Authorization", ""), http.StatusUnauthorized, "UNAUTHORIZED")
		expectStatus(t, srv.Do(t, "GET", path, nil, "Authorization", "Bearer wrong"), http.StatusUnauthorized, "INVALID_CREDENTIALS")
	}
	expectStatus(t, srv.Do(t, "POST", "/flows", `{}`, "Authorization", ""), http.StatusUnauthorized, "UNAUTHORIZED")
	if r := srv.Do(t, "GET", "/server/ping", nil, "Authorization", ""); r.Status != 200 || string(r.Body) != "pong" {
		t.Fatalf("ping: %d %s", r.Status, r.Body)
	}
}
