// Package access decides who is calling: it turns a bearer token into a
// Caller, stores tokens only as hashes, compares them in constant time, and
// bootstraps the admin token on first start.
//
// This is the minimal model of the core (one admin token); users, roles and
// permissions extend it without changing how callers are identified.
// items.go holds the rule item operations are checked against until then.
package access
