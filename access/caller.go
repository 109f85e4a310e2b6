package access

import "errors"

// Built-in roles.
const (
	// AdminRole is the role of the bootstrap admin: it has admin access.
	AdminRole = "admin"
	// PublicRole holds what anyone may do, without a token.
	PublicRole = "public"
)

// ErrInvalidToken means a token was presented that is not one of ours.
var ErrInvalidToken = errors.New("invalid token")

// Caller is who sent a request.
type Caller struct {
	// User is the user id; empty for anonymous callers.
	User string
	// Role is the caller's role id; empty for anonymous callers and users
	// without a role.
	Role string
	// Admin callers may do everything.
	Admin bool
	// IP and UserAgent describe the client.
	IP        string
	UserAgent string
	// TokenRejected is set when a token was presented but not recognised; a
	// public flow ignores it (the sender's own header is passed through).
	TokenRejected bool
}

// Authenticated reports whether the caller presented a valid token.
func (c Caller) Authenticated() bool { return c.User != "" }
