package api_test

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"github.com/hookflow/hookflow/hookflowtest"
)

// TestAccessListsHonourQueryParameters: /users, /roles and /permissions
// take the global query parameters as /webhooks does (the Directus SDK's
// readPermissions({filter: {role: …}})), and refuse what they cannot do,
// so that a script deleting "the editor's permissions" from a filtered
// list never receives the other roles'.
func TestAccessListsHonourQueryParameters(t *testing.T) {
	t.Parallel()
	srv := hookflowtest.New(t)
	srv.CreateRole(t, "editor",
		map[string]any{"collection": "orders", "action": "read"},
		map[string]any{"collection": "orders", "action": "create"})
	srv.CreateRole(t, "viewer", map[string]any{"collection": "orders", "action": "read"})
	srv.Grant(t, "public", map[string]any{"collection": "products", "action": "read"})
	editorID, _ := srv.CreateUser(t, "editor")
	srv.CreateUser(t, "viewer")

	ids := func(r *hookflowtest.Response, field string) []string {
		t.Helper()
		if r.Status != http.StatusOK {
			t.Fatalf("status %d: %s", r.Status, r.Body)
		}
		var out []string
		for _, d := range r.JSON(t)["data"].([]any) {
			out = append(out, fmt.Sprint(d.(map[string]any)[field]))
		}
		return out
	}

	cases := []struct {
		name, url, field string
		want             []string
	}{
		{"permissions by filter", "/permissions?filter[role][_eq]=editor&sort=action&fields=action", "action", []string{"create", "read"}},
		{"permissions by JSON filter", "/permissions?filter=" + url.QueryEscape(`{"collection":{"_eq":"products"}}`) + "&fields=role", "role", []string{"public"}},
		{"permissions by role shorthand", "/permissions?role=viewer&fields=collection", "collection", []string{"orders"}},
		{"roles sorted and limited", "/roles?filter[admin_access][_eq]=false&sort=-id&limit=2&fields=id", "id", []string{"viewer", "public"}},
		{"users of a role", "/users?filter[role][_eq]=editor&fields=id", "id", []string{editorID}},
		{"users searched", "/users?search=nobody", "id", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := ids(srv.Do(t, http.MethodGet, tc.url, nil), tc.field)
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Fatalf("%s: got %v, want %v", tc.url, got, tc.want)
			}
		})
	}

	r := srv.Do(t, http.MethodGet, "/permissions?filter[role][_eq]=editor&meta=*&limit=1", nil)
	meta := r.JSON(t)["meta"].(map[string]any)
	if meta["filter_count"] != float64(2) || meta["total_count"] != float64(4) {
		t.Fatalf("meta: %v", meta)
	}
	for _, u := range []string{"/users?filter[role][_nope]=x", "/roles?filter=%7Bbad", "/permissions?aggregate[count]=*", "/users?limit=abc"} {
		expectStatus(t, srv.Do(t, http.MethodGet, u, nil), http.StatusBadRequest, "INVALID_QUERY")
	}
	// Tokens stay masked whatever is asked for.
	for _, d := range srv.Do(t, http.MethodGet, "/users?fields=token", nil).JSON(t)["data"].([]any) {
		if tok := d.(map[string]any)["token"]; tok != "**********" {
			t.Fatalf("token shown: %v", tok)
		}
	}
}
