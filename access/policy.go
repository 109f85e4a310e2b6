package access

import "github.com/hookflow/hookflow/storage"

// policy is an immutable snapshot of roles and permissions, read without
// locks on every request; a change builds a new one.
type policy struct {
	roles map[string]bool // role id → admin access
	byKey map[grantKey]*grant
}

type grantKey struct{ role, collection, action string }

// grant is what one role may do with one action on one collection: all of
// it, or only some items (flows, for trigger).
type grant struct {
	all   bool
	items map[string]bool
}

// newPolicy indexes roles and permissions.
func newPolicy(roles []storage.Role, perms []storage.Permission) *policy {
	p := &policy{roles: make(map[string]bool, len(roles)), byKey: make(map[grantKey]*grant, len(perms))}
	for _, r := range roles {
		p.roles[r.ID] = r.AdminAccess
	}
	for _, perm := range perms {
		k := grantKey{perm.Role, perm.Collection, perm.Action}
		g := p.byKey[k]
		if g == nil {
			g = &grant{}
			p.byKey[k] = g
		}
		if perm.Item == nil || *perm.Item == "*" {
			g.all = true
			continue
		}
		if g.items == nil {
			g.items = map[string]bool{}
		}
		g.items[*perm.Item] = true
	}
	return p
}

// grants reports whether role itself holds the permission. item is the flow
// of a trigger; "" asks about the whole collection.
func (p *policy) grants(role, collection, action, item string) bool {
	g := p.byKey[grantKey{role, collection, action}]
	return g != nil && (g.all || (item != "" && g.items[item]))
}

// allows reports whether a caller with role may act: admin roles may do
// everything, other roles what they and the public role hold (the public
// role's permissions are a floor: signing in never takes access away).
func (p *policy) allows(role, collection, action, item string) bool {
	if p.roles[role] {
		return true
	}
	if role != "" && role != PublicRole && p.grants(role, collection, action, item) {
		return true
	}
	return p.grants(PublicRole, collection, action, item)
}

// exists reports whether a role exists.
func (p *policy) exists(role string) bool {
	_, ok := p.roles[role]
	return ok
}

// isAdmin reports whether a role has admin access.
func (p *policy) isAdmin(role string) bool { return p.roles[role] }
