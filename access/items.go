package access

import (
	"context"
	"errors"
	"fmt"
)

// The `permissions` option of item operations (docs/access.md#item-operations).
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

// CheckItems reports whether an item operation running with the given
// permissions mode, in a run started by accountability ({user, role}), may
// perform action ("create", "read", "update", "delete") on collection:
// $full always may; $public as the public role; $trigger (or "") as the
// role of the run's caller (anonymous callers as the public role); any
// other value is a role id. A run no caller started (a schedule's tick:
// accountability nil) has no caller to act as, so $trigger acts with the
// flow's own authority, as $full (Directus's rule for runs without
// accountability).
func (s *Service) CheckItems(_ context.Context, permissions string, accountability map[string]any, collection, action string) error {
	p := s.policy.Load()
	var role string
	switch {
	case permissions == PermissionsFull, isSystemRun(permissions, accountability):
		return nil
	}
	switch permissions {
	case PermissionsPublic:
		role = PublicRole
	case PermissionsTrigger, "":
		role, _ = accountability["role"].(string)
	default:
		role = permissions
		if !p.exists(role) {
			return fmt.Errorf("%w: permissions names role %q, which does not exist", ErrForbidden, role)
		}
	}
	if p.allows(role, collection, action, "") {
		return nil
	}
	return forbiddenItems(permissions, accountability, collection, action)
}

// forbiddenItems describes a refused item operation.
func forbiddenItems(permissions string, accountability map[string]any, collection, action string) error {
	who := "an anonymous caller"
	if user, _ := accountability["user"].(string); user != "" {
		who = "user " + user
	}
	if permissions == "" {
		permissions = PermissionsTrigger
	}
	return fmt.Errorf("%w: %s may not %s items of %s (permissions %s)", ErrForbidden, who, action, collection, permissions)
}

// ItemRules is the rule of item operations in a registry built without a
// Service (an embedding program that has no users): $full may do
// everything, the admin role too, anyone else nothing.
type ItemRules struct{}

// CheckItems applies the rule.
func (ItemRules) CheckItems(_ context.Context, permissions string, accountability map[string]any, collection, action string) error {
	if permissions == PermissionsFull || isSystemRun(permissions, accountability) {
		return nil
	}
	if role, _ := accountability["role"].(string); role == AdminRole {
		return nil
	}
	return forbiddenItems(permissions, accountability, collection, action)
}

// isSystemRun reports whether an item operation acts for a run no caller
// started: permissions $trigger with no accountability.
func isSystemRun(permissions string, accountability map[string]any) bool {
	return accountability == nil && (permissions == PermissionsTrigger || permissions == "")
}
