package access

import (
	"context"
	"errors"
	"fmt"

	"github.com/hookflow/hookflow/storage"
)

// permissionFields are the members of a permission document. Directus's
// `fields`, `permissions`, `validation` and `presets` are accepted when
// they ask for nothing: row and field rules are not supported, and a rule
// that silently did nothing would grant more than its author meant.
var permissionFields = []string{"role", "collection", "action", "item", "fields", "permissions", "validation", "presets"}

// CreatePermissions validates permission documents and creates them all,
// or none.
func (s *Service) CreatePermissions(ctx context.Context, docs []map[string]any, prefixed bool) ([]storage.Permission, error) {
	perms, err := createAll(ctx, s, docs, prefixed, func(f fields) storage.Permission {
		var p storage.Permission
		s.readPermission(f, &p, true)
		return p
	}, s.store.CreatePermissions)
	return perms, permissionConflict(err)
}

// UpdatePermission changes the members a patch gives.
func (s *Service) UpdatePermission(ctx context.Context, id int64, patch map[string]any) (*storage.Permission, error) {
	p, err := s.store.GetPermission(ctx, id)
	if err != nil {
		return nil, err
	}
	p, err = updateOne(ctx, s, p, patch, func(f fields, p *storage.Permission) { s.readPermission(f, p, false) },
		s.store.UpdatePermission)
	return p, permissionConflict(err)
}

// DeletePermissions removes permissions by id, all or none.
func (s *Service) DeletePermissions(ctx context.Context, ids []int64) error {
	seen := map[int64]bool{}
	unique := ids[:0:0]
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			unique = append(unique, id)
		}
	}
	return s.change(ctx, func() error { return s.store.DeletePermissions(ctx, unique) })
}

// readPermission applies a permission document's members to p and checks
// the result as a whole; create requires role, collection and action.
func (s *Service) readPermission(f fields, p *storage.Permission, create bool) {
	f.only(permissionFields...)
	checkNoRules(f)
	for _, m := range []struct {
		key string
		dst *string
	}{{"role", &p.Role}, {"collection", &p.Collection}, {"action", &p.Action}} {
		if v, ok := f.text(m.key); ok {
			*m.dst = v
		} else if create {
			f.fail(m.key, "is required")
		}
	}
	if v, ok := f.nullable("item"); ok {
		p.Item = v
	}
	if len(*f.errs) > 0 {
		return
	}
	if !s.policy.Load().exists(p.Role) {
		f.fail("role", "there is no role %q", p.Role)
	}
	if !storage.IsSystemCollection(p.Collection) {
		if err := storage.CheckCollectionName(p.Collection); err != nil {
			f.fail("collection", "must be an item collection or one of flows, runs, collections, webhooks")
		}
	}
	if !validAction(p.Collection, p.Action) {
		f.fail("action", "must be one of %v on %s", actionsOf(p.Collection), p.Collection)
	}
	if p.Item != nil && (p.Collection != storage.SystemFlows || p.Action != ActionTrigger) {
		f.fail("item", `names a flow, and only for the trigger action on flows; leave it out to grant the whole collection`)
	}
}

// checkNoRules refuses Directus row and field rules that would not be
// enforced.
func checkNoRules(f fields) {
	if v, ok := f.m["fields"]; ok && v != nil && v != "*" {
		if list, isList := v.([]any); !isList || len(list) != 1 || list[0] != "*" {
			f.fail("fields", `field rules are not supported: leave it out or use ["*"]`)
		}
	}
	for _, k := range []string{"permissions", "validation", "presets"} {
		if v, ok := f.m[k]; ok && v != nil {
			if m, isObj := v.(map[string]any); !isObj || len(m) > 0 {
				f.fail(k, "row rules are not supported: leave it out or use {}")
			}
		}
	}
}

// permissionConflict explains a repeated grant.
func permissionConflict(err error) error {
	if errors.Is(err, storage.ErrConflict) {
		return fmt.Errorf("%w: the role already holds this permission", storage.ErrConflict)
	}
	return err
}
