package tests

import (
	"fmt"
	"testing"

	"github.com/hookflow/hookflow/hookflowtest"
)

// TestItemOperationsFollowRolePermissions runs item operations in public
// flows (anyone may trigger them) with every `permissions` mode, as callers
// of several roles.
func TestItemOperationsFollowRolePermissions(t *testing.T) {
	t.Parallel()
	srv := hookflowtest.New(t)
	srv.CreateRole(t, "editor",
		map[string]any{"collection": "orders", "action": "create"},
		map[string]any{"collection": "orders", "action": "read"})
	srv.CreateRole(t, "viewer")
	srv.Grant(t, "public", map[string]any{"collection": "guestbook", "action": "create"})
	_, editor := srv.CreateUser(t, "editor")
	_, viewer := srv.CreateUser(t, "viewer")
	callers := map[string]string{
		"admin": "Bearer " + hookflowtest.AdminToken, "editor": "Bearer " + editor,
		"viewer": "Bearer " + viewer, "anonymous": "",
	}
	tests := []struct {
		caller, op, permissions, collection string
		status                              int
	}{
		{"editor", "item-create", "", "orders", 200}, // $trigger is the default
		{"editor", "item-create", "$trigger", "orders", 200},
		{"editor", "item-read", "$trigger", "orders", 200},
		{"editor", "item-create", "$trigger", "secrets", 403},
		{"editor", "item-read", "$trigger", "secrets", 403},
		{"viewer", "item-create", "$trigger", "orders", 403},
		{"anonymous", "item-create", "$trigger", "orders", 403},
		{"anonymous", "item-create", "$trigger", "guestbook", 200}, // the public role's
		{"editor", "item-create", "$public", "orders", 403},
		{"anonymous", "item-create", "$public", "guestbook", 200},
		{"anonymous", "item-create", "editor", "orders", 200}, // a role id
		{"anonymous", "item-create", "viewer", "orders", 403},
		{"anonymous", "item-create", "ghost", "orders", 403},
		{"anonymous", "item-create", "$full", "secrets", 200},
		{"admin", "item-create", "$trigger", "secrets", 200},
		{"admin", "item-create", "$public", "secrets", 403},
	}
	for _, tc := range tests {
		name := fmt.Sprintf("%s %s %s as %s", tc.op, tc.collection, tc.permissions, tc.caller)
		t.Run(name, func(t *testing.T) {
			options := fmt.Sprintf(`{"collection": %q`, tc.collection)
			if tc.permissions != "" {
				options += fmt.Sprintf(`, "permissions": %q`, tc.permissions)
			}
			if tc.op == "item-create" {
				options += `, "payload": {"n": 1}`
			}
			options += "}"
			url := flow(t, srv, `{"method": "POST", "access": "public"}`, `[{"operation": "`+tc.op+`", "options": `+options+`}]`)
			resp := srv.Do(t, "POST", url, `{}`, "Authorization", callers[tc.caller])
			want := ""
			if tc.status == 403 {
				want = `{"errors": [{"message": "<any>", "extensions": {"code": "FORBIDDEN", "operation": "<any>", "type": "` + tc.op + `"}}]}`
			}
			check(t, resp, tc.status, want)
		})
	}
}
