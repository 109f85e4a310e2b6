package tests

import (
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/hookflow/hookflow/hookflowtest"
)

// TestTokensNeverReachFlows: every spelling of a token that authenticates,
// and every query parameter whose name decodes to access_token, is gone
// from the request before the flow sees it — from $trigger.query,
// $trigger.headers and the rest of $trigger, from the run record, and
// from the answer of a flow that returns $trigger.
func TestTokensNeverReachFlows(t *testing.T) {
	t.Parallel()
	srv := hookflowtest.New(t)
	srv.CreateRole(t, "caller", map[string]any{"collection": "flows", "action": "trigger"})
	_, user := srv.CreateUser(t, "caller")
	_, other := srv.CreateUser(t, "caller")
	admin := hookflowtest.AdminToken
	private := srv.CreateFlow(t, `{"options": {"return": "$trigger"}, "operations": [{"operation": "log"}]}`)
	public := srv.CreateFlow(t, `{"options": {"access": "public", "return": "$trigger"}, "operations": [{"operation": "log"}]}`)

	for _, tc := range []struct {
		name, flow, query string
		headers           []string
		wantQuery         map[string]any
		wantAuth          string // $trigger.headers.authorization
	}{
		{"encoded name", private, "a=1&access%5Ftoken=" + user, nil, map[string]any{"a": "1"}, ""},
		{"lower-case escape", private, "access%5ftoken=" + user + "&a=1", nil, map[string]any{"a": "1"}, ""},
		{"escaped letters", private, "%61ccess_tok%65n=" + user, nil, map[string]any{}, ""},
		{"every byte escaped", private, "%61%63%63%65%73%73%5F%74%6F%6B%65%6E=" + user, nil, map[string]any{}, ""},
		{
			"header token and the admin token in the query", private, "access_token=" + admin + "&a=1",
			[]string{"Authorization", "Bearer " + user},
			map[string]any{"a": "1"},
			"",
		},
		{
			"header token and an encoded query token", private, "access%5Ftoken=" + admin,
			[]string{"Authorization", "Bearer " + user},
			map[string]any{},
			"",
		},
		{"two query tokens", private, "access_token=" + user + "&access_token=" + other, nil, map[string]any{}, ""},
		{"a token that is not ours on a public flow", public, "access_token=nope&a=1", nil, map[string]any{"a": "1"}, ""},
		{
			"the sender's own header and our token in the query", public, "access_token=" + user,
			[]string{"Authorization", "Basic c2VuZGVyOmtleQ=="},
			map[string]any{},
			"Basic c2VuZGVyOmtleQ==",
		},
		{
			"our token in a repeated Authorization header", public, "a=1",
			[]string{"Authorization", "Basic c2VuZGVyOmtleQ==", "Authorization", "Bearer " + other},
			map[string]any{"a": "1"},
			"Basic c2VuZGVyOmtleQ==",
		},
		// Go's URL parsing tells names apart by case: ACCESS_TOKEN is not
		// our parameter, authenticates nothing, and is the sender's.
		{"another parameter", public, "ACCESS_TOKEN=theirs", nil, map[string]any{"ACCESS_TOKEN": "theirs"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequest("POST", srv.URL+"/flows/trigger/"+tc.flow+"?"+tc.query, strings.NewReader(`{"x": 1}`))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/json")
			for i := 0; i+1 < len(tc.headers); i += 2 {
				req.Header.Add(tc.headers[i], tc.headers[i+1])
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil {
				t.Fatal(err)
			}
			r := &hookflowtest.Response{Status: resp.StatusCode, Header: resp.Header, Body: body}
			if r.Status != 200 {
				t.Fatalf("%d %s", r.Status, r.Body)
			}
			for _, token := range []string{user, other, admin} {
				if strings.Contains(string(r.Body), token) {
					t.Fatalf("the flow saw a token: %s", r.Body)
				}
			}
			trigger := r.Data(t).(map[string]any)
			if !reflect.DeepEqual(trigger["query"], tc.wantQuery) {
				t.Fatalf("$trigger.query = %v, want %v", trigger["query"], tc.wantQuery)
			}
			if auth, _ := trigger["headers"].(map[string]any)["authorization"].(string); auth != tc.wantAuth {
				t.Fatalf("$trigger.headers.authorization = %q, want %q", auth, tc.wantAuth)
			}
			run := srv.Do(t, "GET", "/flows/runs/"+resp.Header.Get("X-Run-Id"), nil)
			for _, token := range []string{user, other, admin} {
				if run.Status != 200 || strings.Contains(string(run.Body), token) {
					t.Fatalf("run record: %d %s", run.Status, run.Body)
				}
			}
		})
	}
	// An encoded name authenticates like the plain one: a private flow
	// refuses it only when the token is not ours.
	refused := srv.Do(t, "POST", "/flows/trigger/"+private+"?access%5Ftoken=nope", `{}`, "Authorization", "")
	if refused.Status != 401 || refused.ErrorCode(t) != "INVALID_CREDENTIALS" {
		t.Fatalf("an encoded unknown token: %d %s", refused.Status, refused.Body)
	}
}
