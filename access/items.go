package access

import (
	"context"
	"errors"
	"fmt"
)

// The `permissions` option of item operations (SPEC §7).
const (
	// PermissionsTrigger acts as the caller who started the run (default).
	PermissionsTrigger = "$trigger"
	// PermissionsPublic acts as the public role.
	PermissionsPublic = "$public"
	// PermissionsFull bypasses every check.
	PermissionsFull = "$full"
)

// ErrForbidden means the caller may not do what it asked.
var ErrForbidden = errors.New("forbidden")

// ItemRules decides what item operations may do. Until roles and
// permissions exist, every mode but $full behaves as the caller's token
// allows: the admin may do everything, anyone else nothing (an anonymous
// caller of a public flow included). Roles replace this rule without
// changing its callers.
type ItemRules struct{}

// CheckItems reports whether an item operation running with the given
// permissions mode, in a run started by accountability ({user, role}), may
// perform action ("create", "read", "update", "delete") on collection.
func (ItemRules) CheckItems(_ context.Context, permissions string, accountability map[string]any, collection, action string) error {
	if permissions == PermissionsFull {
		return nil
	}
	if role, _ := accountability["role"].(string); role == AdminRole {
		return nil
	}
	who := "an anonymous caller"
	if user, _ := accountability["user"].(string); user != "" {
		who = "user " + user
	}
	return fmt.Errorf("%w: %s may not %s items of %s (permissions %s)", ErrForbidden, who, action, collection, permissions)
}
