package access

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"
	"github.com/hookflow/hookflow/storage"
)

// userFields are the members of a user document.
var userFields = []string{"email", "first_name", "last_name", "role", "status"}

// NewUser is a created user with its token, which is shown this once.
type NewUser struct {
	storage.User
	Token string
}

// CreateUsers validates user documents and creates them all, or none, each
// with a new token.
func (s *Service) CreateUsers(ctx context.Context, docs []map[string]any, prefixed bool) ([]NewUser, error) {
	now := s.now().UTC()
	tokens := make([]string, len(docs))
	n := 0
	users, err := createAll(ctx, s, docs, prefixed, func(f fields) storage.User {
		u := storage.User{ID: uuid.NewString(), Status: StatusActive, DateCreated: now}
		s.readUser(f, &u)
		token, err := GenerateToken()
		if err != nil {
			f.fail("", "no token could be generated: %v", err)
		}
		hash := HashToken(token)
		u.TokenHash, tokens[n] = &hash, token
		n++
		return u
	}, func(ctx context.Context, users []storage.User) error {
		return emailTaken(s.store.CreateUsers(ctx, users))
	})
	if err != nil {
		return nil, err
	}
	out := make([]NewUser, len(users))
	for i, u := range users {
		out[i] = NewUser{User: u, Token: tokens[i]}
	}
	return out, nil
}

// UpdateUser changes the members a patch gives.
func (s *Service) UpdateUser(ctx context.Context, id string, patch map[string]any) (*storage.User, error) {
	u, err := s.store.GetUser(ctx, id)
	if err != nil {
		return nil, err
	}
	now := s.now().UTC()
	return updateOne(ctx, s, u, patch, func(f fields, u *storage.User) {
		s.readUser(f, u)
		u.DateUpdated = &now
	}, func(ctx context.Context, u storage.User) error {
		return emailTaken(s.store.UpdateUser(ctx, u))
	})
}

// RotateToken gives a user a new token; the old one stops working at once.
func (s *Service) RotateToken(ctx context.Context, id string) (*NewUser, error) {
	u, err := s.store.GetUser(ctx, id)
	if err != nil {
		return nil, err
	}
	token, err := GenerateToken()
	if err != nil {
		return nil, err
	}
	hash := HashToken(token)
	now := s.now().UTC()
	u.TokenHash, u.DateUpdated = &hash, &now
	if err := s.change(ctx, func() error { return s.store.UpdateUser(ctx, *u) }); err != nil {
		return nil, err
	}
	return &NewUser{User: *u, Token: token}, nil
}

// DeleteUser removes a user and so its token.
func (s *Service) DeleteUser(ctx context.Context, id string) error {
	return s.change(ctx, func() error { return s.store.DeleteUser(ctx, id) })
}

// readUser applies a user document's members to u.
func (s *Service) readUser(f fields, u *storage.User) {
	if _, ok := f.m["token"]; ok {
		f.fail("token", "tokens are generated: create the user or POST /users/{id}/token for a new one")
		delete(f.m, "token")
	}
	if _, ok := f.m["id"]; ok {
		f.fail("id", "user ids are assigned by the server")
		delete(f.m, "id")
	}
	f.only(userFields...)
	if email, ok := f.nullable("email"); ok {
		if email != nil {
			// Addresses are compared as people read them: Ann@X.io is
			// ann@x.io, and only one user may have it.
			*email = strings.ToLower(strings.TrimSpace(*email))
			if !strings.Contains(*email, "@") {
				f.fail("email", "must be an email address")
			}
		}
		u.Email = email
	}
	if v, ok := f.text("first_name"); ok {
		u.FirstName = v
	}
	if v, ok := f.text("last_name"); ok {
		u.LastName = v
	}
	if role, ok := f.nullable("role"); ok {
		if role != nil && !s.policy.Load().exists(*role) {
			f.fail("role", "there is no role %q", *role)
		}
		u.Role = role
	}
	if status, ok := f.text("status"); ok {
		if status != StatusActive && status != StatusSuspended {
			f.fail("status", `must be "active" or "suspended"`)
		}
		u.Status = status
	}
}

// emailTaken names the cause of a conflict on writing users: ids and
// tokens are generated, so the taken value is the email address.
func emailTaken(err error) error {
	if errors.Is(err, storage.ErrConflict) {
		return fmt.Errorf("email: a user with this email address already exists: %w", storage.ErrConflict)
	}
	return err
}
