package access

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/google/uuid"
	"github.com/hookflow/hookflow/storage"
)

// roleID is what a chosen role id may look like: it appears in permissions,
// item operations' `permissions` option and $accountability.role.
var roleID = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// roleFields are the members of a role document.
var roleFields = []string{"id", "name", "description", "admin_access"}

// isBuiltin reports whether a role is one of the built-in roles.
func isBuiltin(id string) bool { return id == AdminRole || id == PublicRole }

// CreateRoles validates role documents and creates them all, or none. The
// id may be chosen ("editor"); otherwise it is a UUID.
func (s *Service) CreateRoles(ctx context.Context, docs []map[string]any, prefixed bool) ([]storage.Role, error) {
	now := s.now().UTC()
	return createAll(ctx, s, docs, prefixed, func(f fields) storage.Role {
		f.only(roleFields...)
		r := storage.Role{ID: uuid.NewString(), DateCreated: now}
		if id, ok := f.text("id"); ok {
			if !roleID.MatchString(id) {
				f.fail("id", "must be 1 to 64 letters, digits, _ or -")
			}
			r.ID = id
		}
		if _, ok := f.m["name"]; !ok {
			f.fail("name", "is required")
		}
		readRole(f, &r)
		return r
	}, s.store.CreateRoles)
}

// UpdateRole changes the members a patch gives. A role's id cannot change,
// and neither can the admin access of the built-in roles.
func (s *Service) UpdateRole(ctx context.Context, id string, patch map[string]any) (*storage.Role, error) {
	r, err := s.store.GetRole(ctx, id)
	if err != nil {
		return nil, err
	}
	return updateOne(ctx, s, r, patch, func(f fields, r *storage.Role) {
		f.only(roleFields...)
		if v, ok := f.text("id"); ok && v != id {
			f.fail("id", "cannot change a role's id")
		}
		was := r.AdminAccess
		readRole(f, r)
		if isBuiltin(id) && r.AdminAccess != was {
			f.fail("admin_access", "cannot change on the built-in %s role", id)
		}
	}, s.store.UpdateRole)
}

// readRole applies a role document's members (but its id) to r.
func readRole(f fields, r *storage.Role) {
	if name, ok := f.text("name"); ok {
		if strings.TrimSpace(name) == "" {
			f.fail("name", "cannot be empty")
		}
		r.Name = name
	}
	if d, ok := f.text("description"); ok {
		r.Description = d
	}
	if admin, ok := f.boolean("admin_access"); ok {
		r.AdminAccess = admin
	}
}

// DeleteRole removes a role with its permissions; its users remain, without
// a role. The built-in roles cannot be deleted.
func (s *Service) DeleteRole(ctx context.Context, id string) error {
	if isBuiltin(id) {
		return fmt.Errorf("%w: the built-in %s role cannot be deleted", ErrForbidden, id)
	}
	return s.change(ctx, func() error { return s.store.DeleteRole(ctx, id) })
}

// docPrefix is the path prefix of the i-th document of an upload: "[i]"
// when the upload was an array.
func docPrefix(i int, array bool) string {
	if !array {
		return ""
	}
	return fmt.Sprintf("[%d]", i)
}
