// Package access decides who is calling and what they may do.
//
// A Service turns a bearer token into a Caller: the bootstrap admin token
// (ADMIN_TOKEN, caller.go and service.go) or a user's static token, found
// by its SHA-256 hash in one indexed read and then cached (authenticate.go),
// so the trigger path does not touch the database per request. Tokens are
// stored only as hashes and compared in constant time (token.go).
//
// Roles hold permissions {role, collection, action, item}: create, read,
// update and delete on item collections and on the system collections
// (storage.SystemFlows and friends), and trigger on flows (actions.go).
// A role with admin access may do everything; the built-in public role's
// permissions apply to every caller, anonymous or not. Decisions are taken
// against an in-memory snapshot of roles and permissions (policy.go) that
// every change replaces, together with the token cache.
//
// roles.go, users.go and permissions.go validate and apply changes; items.go
// answers item operations' `permissions` option ($trigger, $public, $full
// or a role id).
package access
