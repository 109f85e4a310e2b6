package access

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"sync"

	"github.com/hookflow/hookflow/storage"
)

// User statuses.
const (
	StatusActive    = "active"
	StatusSuspended = "suspended" // the user's token is refused
)

// Authenticate returns the caller a token belongs to, or ErrInvalidToken.
// A user's token is found by its hash in one indexed read; the answer,
// valid or not, is cached until users, roles or permissions change.
func (s *Service) Authenticate(ctx context.Context, token string) (Caller, error) {
	if token == "" {
		return Caller{}, ErrInvalidToken
	}
	hash := HashToken(token)
	if subtle.ConstantTimeCompare([]byte(hash), []byte(s.adminHash)) == 1 {
		return Caller{User: "admin", Role: AdminRole, Admin: true}, nil
	}
	if c, valid, cached := s.tokens.get(hash); cached {
		if !valid {
			return Caller{}, ErrInvalidToken
		}
		return c, nil
	}
	gen := s.tokens.generation()
	u, err := s.store.UserByTokenHash(ctx, hash)
	switch {
	case errors.Is(err, storage.ErrNotFound):
		s.tokens.put(gen, hash, Caller{}, false)
		return Caller{}, ErrInvalidToken
	case err != nil:
		return Caller{}, fmt.Errorf("authenticate: %w", err)
	}
	if u.TokenHash == nil || !MatchesHash(token, *u.TokenHash) || u.Status != StatusActive {
		s.tokens.put(gen, hash, Caller{}, false)
		return Caller{}, ErrInvalidToken
	}
	c := Caller{User: u.ID}
	if u.Role != nil {
		c.Role = *u.Role
		c.Admin = s.policy.Load().isAdmin(c.Role)
	}
	s.tokens.put(gen, hash, c, true)
	return c, nil
}

// maxCachedTokens bounds each of the token cache's maps. Valid tokens are
// as many as users; refused ones are whatever clients send, so a flood of
// made-up tokens empties the refused map rather than growing it.
const maxCachedTokens = 10000

// tokenCache remembers what token hashes resolved to. Its generation
// changes with every invalidation, and a lookup that started before one
// does not store its answer: a token a change removed cannot come back.
type tokenCache struct {
	mu      sync.RWMutex
	gen     uint64
	valid   map[string]Caller
	refused map[string]struct{}
}

func newTokenCache() *tokenCache {
	return &tokenCache{valid: map[string]Caller{}, refused: map[string]struct{}{}}
}

// get returns a cached answer.
func (t *tokenCache) get(hash string) (c Caller, valid, cached bool) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	if c, ok := t.valid[hash]; ok {
		return c, true, true
	}
	_, refused := t.refused[hash]
	return Caller{}, false, refused
}

// generation is taken before a lookup in the store.
func (t *tokenCache) generation() uint64 {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.gen
}

// put stores an answer found during generation gen.
func (t *tokenCache) put(gen uint64, hash string, c Caller, valid bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if gen != t.gen {
		return
	}
	if valid {
		if len(t.valid) >= maxCachedTokens {
			t.valid = map[string]Caller{}
		}
		t.valid[hash] = c
		return
	}
	if len(t.refused) >= maxCachedTokens {
		t.refused = map[string]struct{}{}
	}
	t.refused[hash] = struct{}{}
}

// invalidate forgets everything.
func (t *tokenCache) invalidate() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.gen++
	t.valid = map[string]Caller{}
	t.refused = map[string]struct{}{}
}
