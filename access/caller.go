package access

import (
	"context"
	"errors"
	"fmt"

	"github.com/hookflow/hookflow/storage"
)

// AdminRole is the role id of the bootstrap admin.
const AdminRole = "admin"

// ErrInvalidToken means a token was presented that is not one of ours.
var ErrInvalidToken = errors.New("invalid token")

// Caller is who sent a request.
type Caller struct {
	// User is the user id; empty for anonymous callers.
	User string
	// Role is the caller's role id; empty for anonymous callers.
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

// adminTokenSetting is where the admin token's hash is kept.
const adminTokenSetting = "admin_token_sha256"

// Authenticator resolves tokens to callers.
type Authenticator struct {
	adminHash string
}

// Authenticate returns the caller a token belongs to, or ErrInvalidToken.
func (a *Authenticator) Authenticate(_ context.Context, token string) (Caller, error) {
	if token != "" && MatchesHash(token, a.adminHash) {
		return Caller{User: "admin", Role: AdminRole, Admin: true}, nil
	}
	return Caller{}, ErrInvalidToken
}

// Bootstrap prepares the admin token. A configured token replaces the stored
// hash; without one, the stored hash is kept, and on the very first start a
// token is generated and returned (the only time it is ever visible).
func Bootstrap(ctx context.Context, store *storage.Store, configured string) (a *Authenticator, generated string, err error) {
	if configured != "" {
		hash := HashToken(configured)
		if err := store.PutSetting(ctx, adminTokenSetting, hash); err != nil {
			return nil, "", fmt.Errorf("store admin token: %w", err)
		}
		return &Authenticator{adminHash: hash}, "", nil
	}
	hash, err := store.GetSetting(ctx, adminTokenSetting)
	if err == nil {
		return &Authenticator{adminHash: hash}, "", nil
	}
	if !errors.Is(err, storage.ErrNotFound) {
		return nil, "", fmt.Errorf("read admin token: %w", err)
	}
	generated, err = GenerateToken()
	if err != nil {
		return nil, "", err
	}
	hash = HashToken(generated)
	if err := store.PutSetting(ctx, adminTokenSetting, hash); err != nil {
		return nil, "", fmt.Errorf("store admin token: %w", err)
	}
	return &Authenticator{adminHash: hash}, generated, nil
}
