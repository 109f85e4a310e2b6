package api_test

import (
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/hookflow/hookflow/hookflowtest"
)

// outcome is what a caller gets from one request.
type outcome string

const (
	allowed   outcome = "allowed"   // anything but 401 and 403
	forbidden outcome = "forbidden" // 403 FORBIDDEN
	noToken   outcome = "no token"  // 401 UNAUTHORIZED
	badToken  outcome = "bad token" // 401 INVALID_CREDENTIALS
)

// accessWorld is a server with one caller of each kind and the flows the
// scenarios address.
type accessWorld struct {
	srv     *hookflowtest.Server
	callers map[string]string // caller name → Authorization header ("" for none)
	// flows
	private, forEditor, publicOption, publicRole, ops string
	opID                                              string
}

func newAccessWorld(t *testing.T) *accessWorld {
	t.Helper()
	srv := hookflowtest.New(t)
	w := &accessWorld{srv: srv}
	w.private = srv.CreateFlow(t, `{"options":{"return":"$accountability"},"operations":[{"operation":"log"}]}`)
	w.forEditor = srv.CreateFlow(t, `{"options":{"return":"$accountability"},"operations":[{"operation":"log"}]}`)
	w.publicOption = srv.CreateFlow(t, `{"options":{"access":"public","return":"$trigger.headers.authorization"},"operations":[{"operation":"log"}]}`)
	w.publicRole = srv.CreateFlow(t, `{"options":{"return":"$trigger.headers.authorization"},"operations":[{"operation":"log"}]}`)
	w.ops = srv.CreateFlow(t, `{"operations":[{"id":"one","operation":"log"}]}`)
	w.opID = "one"

	srv.Grant(t, "public",
		map[string]any{"collection": "flows", "action": "trigger", "item": w.publicRole},
		map[string]any{"collection": "products", "action": "read"})
	srv.CreateRole(t, "editor",
		map[string]any{"collection": "flows", "action": "read"},
		map[string]any{"collection": "flows", "action": "create"},
		map[string]any{"collection": "flows", "action": "update"},
		map[string]any{"collection": "flows", "action": "trigger", "item": w.forEditor},
		map[string]any{"collection": "runs", "action": "read"},
		map[string]any{"collection": "collections", "action": "read"},
		map[string]any{"collection": "orders", "action": "read"},
		map[string]any{"collection": "orders", "action": "create"})
	srv.CreateRole(t, "viewer", map[string]any{"collection": "flows", "action": "read"})
	srv.CreateRole(t, "boss")
	if r := srv.Do(t, "PATCH", "/roles/boss", `{"admin_access": true}`); r.Status != 200 {
		t.Fatalf("boss: %d %s", r.Status, r.Body)
	}
	_, editor := srv.CreateUser(t, "editor")
	_, viewer := srv.CreateUser(t, "viewer")
	_, boss := srv.CreateUser(t, "boss")
	_, roleless := srv.CreateUser(t, "")
	w.callers = map[string]string{
		"admin token": "Bearer " + hookflowtest.AdminToken, "admin role": "Bearer " + boss,
		"editor": "Bearer " + editor, "viewer": "Bearer " + viewer, "no role": "Bearer " + roleless,
		"anonymous": "", "bad token": "Bearer not-a-token",
	}
	return w
}

// expectOutcome checks one response against an outcome.
func expectOutcome(t *testing.T, r *hookflowtest.Response, want outcome) {
	t.Helper()
	switch want {
	case allowed:
		if r.Status == 401 || r.Status == 403 || r.Status >= 500 {
			t.Fatalf("want allowed, got %d %s", r.Status, r.Body)
		}
	case forbidden:
		expectStatus(t, r, http.StatusForbidden, "FORBIDDEN")
	case noToken:
		expectStatus(t, r, http.StatusUnauthorized, "UNAUTHORIZED")
	case badToken:
		expectStatus(t, r, http.StatusUnauthorized, "INVALID_CREDENTIALS")
	}
}

// everyone maps callers to outcomes: the given ones, and for the others
// the default — admins allowed, anonymous callers 401 UNAUTHORIZED, bad
// tokens 401 INVALID_CREDENTIALS, other users def.
func everyone(def outcome, given map[string]outcome) map[string]outcome {
	out := map[string]outcome{
		"admin token": allowed, "admin role": allowed, "editor": def, "viewer": def, "no role": def,
		"anonymous": noToken, "bad token": badToken,
	}
	for k, v := range given {
		out[k] = v
	}
	return out
}

func TestAccessScenarios(t *testing.T) {
	t.Parallel()
	w := newAccessWorld(t)
	type request struct {
		method, path, body string
		want               map[string]outcome
	}
	editorOnly := everyone(forbidden, map[string]outcome{"editor": allowed})
	readers := everyone(forbidden, map[string]outcome{"editor": allowed, "viewer": allowed})
	adminsOnly := everyone(forbidden, nil)
	tests := []request{
		// Flows and their operations: the "flows" collection.
		{"GET", "/flows", "", readers},
		{"GET", "/flows/" + w.private, "", readers},
		{"POST", "/flows", `{"operations":[{"operation":"log"}]}`, editorOnly},
		{"PATCH", "/flows/" + w.ops, `{"name":"renamed"}`, editorOnly},
		{"PUT", "/flows/" + w.ops, `{"operations":[{"id":"one","operation":"log"}]}`, editorOnly},
		{"DELETE", "/flows/00000000-0000-4000-8000-00000000dead", "", adminsOnly},
		{"GET", "/operations", "", readers},
		{"GET", "/operations/" + w.opID, "", readers},
		{"POST", "/operations", `{"flow":"` + w.ops + `","key":"two","type":"log"}`, editorOnly},
		{"PATCH", "/operations/" + w.opID, `{"options":{"message":"m"}}`, editorOnly},
		// Run records: "runs".
		{"GET", "/flows/" + w.private + "/runs", "", editorOnly},
		{"GET", "/flows/runs/00000000-0000-4000-8000-000000000000", "", editorOnly},
		// The collections API: "collections".
		{"GET", "/collections", "", editorOnly},
		{"POST", "/collections", `{"collection":"made_by_test"}`, adminsOnly},
		{"DELETE", "/collections/nothing_here", "", adminsOnly},
		// Items follow the permissions of their collection; the public role's
		// apply to everyone.
		{"GET", "/items/orders", "", editorOnly},
		{"POST", "/items/orders", `{"total": 1}`, editorOnly},
		{"PATCH", "/items/orders", `{"keys": [], "data": {}}`, adminsOnly},
		{"DELETE", "/items/orders/1", "", adminsOnly},
		{"GET", "/items/secrets", "", adminsOnly},
		{"GET", "/items/products", "", everyone(allowed, map[string]outcome{"anonymous": allowed})},
		{"POST", "/items/products", `{"name": "p"}`, adminsOnly},
		// Users, roles and permissions: admins only.
		{"GET", "/users", "", adminsOnly},
		{"POST", "/users", `{"role": null}`, adminsOnly},
		{"GET", "/roles", "", adminsOnly},
		{"POST", "/roles", `{"name": "made by test"}`, adminsOnly},
		{"GET", "/permissions", "", adminsOnly},
		{"POST", "/permissions", `{"role": "viewer", "collection": "logs", "action": "read"}`, adminsOnly},
		{"GET", "/users/me", "", everyone(allowed, nil)},
		// Webhook flows are private unless the public role may trigger them
		// or they say "access": "public"; on public flows an unknown token
		// is the sender's own and passes through.
		{"POST", "/flows/trigger/" + w.private, `{}`, adminsOnly},
		{"POST", "/flows/trigger/" + w.forEditor, `{}`, editorOnly},
		{"POST", "/flows/trigger/" + w.publicOption, `{}`, everyone(allowed, map[string]outcome{"anonymous": allowed, "bad token": allowed})},
		{"POST", "/flows/trigger/" + w.publicRole, `{}`, everyone(allowed, map[string]outcome{"anonymous": allowed, "bad token": allowed})},
	}
	for _, tc := range tests {
		for caller, want := range tc.want {
			t.Run(tc.method+" "+tc.path+" as "+caller, func(t *testing.T) {
				var body any
				if tc.body != "" {
					body = tc.body
				}
				expectOutcome(t, w.srv.Do(t, tc.method, tc.path, body, "Authorization", w.callers[caller]), want)
			})
		}
	}
}

func TestTriggerAccountabilityAndTokens(t *testing.T) {
	t.Parallel()
	w := newAccessWorld(t)
	srv := w.srv
	// The sender's own Authorization header reaches a public flow.
	for _, flow := range []string{w.publicOption, w.publicRole} {
		r := srv.Do(t, "POST", "/flows/trigger/"+flow, `{}`, "Authorization", "Bearer sender-secret")
		if r.Data(t) != "Bearer sender-secret" {
			t.Fatalf("a public flow must receive the sender's Authorization header: %s", r.Body)
		}
	}
	// $accountability names the user and role of a user's token.
	acc := srv.Do(t, "POST", "/flows/trigger/"+w.forEditor, `{}`, "Authorization", w.callers["editor"], "User-Agent", "probe/1").
		Data(t).(map[string]any)
	if acc["user"] == nil || acc["user"] == "admin" || acc["role"] != "editor" || acc["ip"] != "127.0.0.1" || acc["userAgent"] != "probe/1" {
		t.Fatalf("$accountability = %v", acc)
	}
	admin := srv.Do(t, "POST", "/flows/trigger/"+w.private, `{}`).Data(t).(map[string]any)
	if admin["user"] != "admin" || admin["role"] != "admin" {
		t.Fatalf("$accountability of the admin token = %v", admin)
	}
	token := strings.TrimPrefix(w.callers["editor"], "Bearer ")
	if r := srv.Do(t, "POST", "/flows/trigger/"+w.forEditor+"?access_token="+token, `{}`, "Authorization", ""); r.Status != 200 {
		t.Fatalf("?access_token= must authenticate: %d %s", r.Status, r.Body)
	}
	expectStatus(t, srv.Do(t, "POST", "/flows/trigger/"+w.private, `{}`, "Authorization", "Basic dXNlcjpwYXNz"),
		http.StatusUnauthorized, "INVALID_CREDENTIALS")
	// A token of ours in the query is consumed by authentication: the flow
	// sees the other parameters as sent, never the token. The parameter is
	// ours whatever it holds: one that is not a token of ours is gone too.
	echo := srv.CreateFlow(t, `{"options":{"access":"public","return":"$trigger.query"},"operations":[{"operation":"log"}]}`)
	for _, tc := range []struct{ query, want string }{
		{"a=1&access_token=" + token + "&b=%20x&a=2", `{"a": ["1", "2"], "b": " x"}`},
		{"access_token=" + token, `{}`},
		{"a=1&access_token=sender-key", `{"a": "1"}`},
	} {
		r := srv.Do(t, "POST", "/flows/trigger/"+echo+"?"+tc.query, `{}`, "Authorization", "")
		var want any
		if err := json.Unmarshal([]byte(tc.want), &want); err != nil {
			t.Fatal(err)
		}
		if got := r.Data(t); !reflect.DeepEqual(got, want) {
			t.Fatalf("?%s: $trigger.query = %v, want %v", tc.query, got, want)
		}
	}
	// Likewise a token of ours in the Authorization header: the flow sees
	// the other headers, never the token (private and public flows alike);
	// a header that is not ours is the sender's on a public flow.
	privateHeaders := srv.CreateFlow(t, `{"options":{"return":"$trigger.headers"},"operations":[{"operation":"log"}]}`)
	publicHeaders := srv.CreateFlow(t, `{"options":{"access":"public","return":"$trigger.headers"},"operations":[{"operation":"log"}]}`)
	for _, tc := range []struct {
		flow, auth, want string
	}{
		{privateHeaders, "", ""},                                  // the admin token of Do
		{privateHeaders, w.callers["admin role"], ""},             // a user's token
		{publicHeaders, "bearer " + token, ""},                    // any spelling of the scheme
		{publicHeaders, "Bearer sender-key", "Bearer sender-key"}, // the sender's own
		{publicHeaders, "Basic dXNlcjpwYXNz", "Basic dXNlcjpwYXNz"},
	} {
		headers := []string{"X-Probe", "1"}
		if tc.auth != "" {
			headers = append(headers, "Authorization", tc.auth)
		}
		got := srv.Do(t, "POST", "/flows/trigger/"+tc.flow, `{}`, headers...).Data(t).(map[string]any)
		if got["x-probe"] != "1" {
			t.Fatalf("%s: other headers must reach the flow: %v", tc.auth, got)
		}
		if auth, _ := got["authorization"].(string); auth != tc.want {
			t.Fatalf("%s: $trigger.headers.authorization = %q, want %q", tc.auth, auth, tc.want)
		}
	}
	// A client that sends its token both ways has both consumed, and any
	// other access_token with it.
	both := srv.Do(t, "POST", "/flows/trigger/"+echo+"?access_token="+token+"&access_token=sender-key&x=1", `{}`,
		"Authorization", "Bearer "+token).Data(t)
	if want := map[string]any{"x": "1"}; !reflect.DeepEqual(both, want) {
		t.Fatalf("token in the header and the query: $trigger.query = %v, want %v", both, want)
	}
	if r := srv.Do(t, "GET", "/server/ping", nil, "Authorization", ""); r.Status != 200 || string(r.Body) != "pong" {
		t.Fatalf("ping: %d %s", r.Status, r.Body)
	}
}

func TestPermissionChangesApplyAtOnce(t *testing.T) {
	t.Parallel()
	w := newAccessWorld(t)
	srv := w.srv
	viewer := w.callers["viewer"]
	expectOutcome(t, srv.Do(t, "POST", "/flows/trigger/"+w.private, `{}`, "Authorization", viewer), forbidden)
	srv.Grant(t, "viewer", map[string]any{"collection": "flows", "action": "trigger", "item": w.private})
	expectOutcome(t, srv.Do(t, "POST", "/flows/trigger/"+w.private, `{}`, "Authorization", viewer), allowed)
	// Revoking is as immediate.
	list := srv.Do(t, "GET", "/permissions?role=viewer", nil).Data(t).([]any)
	var ids []any
	for _, p := range list {
		ids = append(ids, p.(map[string]any)["id"])
	}
	expectStatus(t, srv.Do(t, "DELETE", "/permissions", ids), http.StatusNoContent, "")
	expectOutcome(t, srv.Do(t, "GET", "/flows", nil, "Authorization", viewer), forbidden)
	// A user moved to another role has that role's access.
	me := srv.Do(t, "GET", "/users/me", nil, "Authorization", viewer).Data(t).(map[string]any)
	expectStatus(t, srv.Do(t, "PATCH", "/users/"+me["id"].(string), `{"role": "editor"}`), 200, "")
	expectOutcome(t, srv.Do(t, "GET", "/flows", nil, "Authorization", viewer), allowed)
	// A flow made public through the public role takes anyone.
	expectOutcome(t, srv.Do(t, "POST", "/flows/trigger/"+w.private, `{}`, "Authorization", ""), noToken)
	srv.Grant(t, "public", map[string]any{"collection": "flows", "action": "trigger", "item": w.private})
	expectOutcome(t, srv.Do(t, "POST", "/flows/trigger/"+w.private, `{}`, "Authorization", ""), allowed)
}
