package access

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
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
	sum := sha256.Sum256([]byte(token))
	if subtle.ConstantTimeCompare(sum[:], s.adminSum[:]) == 1 {
		return Caller{User: "admin", Role: AdminRole, Admin: true}, nil
	}
	if c, valid, cached := s.tokens.get(sum); cached {
		if !valid {
			return Caller{}, ErrInvalidToken
		}
		return c, nil
	}
	gen := s.tokens.generation()
	u, err := s.store.UserByTokenHash(ctx, hex.EncodeToString(sum[:]))
	switch {
	case errors.Is(err, storage.ErrNotFound):
		s.tokens.put(gen, sum, Caller{}, false)
		return Caller{}, ErrInvalidToken
	case err != nil:
		return Caller{}, fmt.Errorf("authenticate: %w", err)
	}
	if u.TokenHash == nil || !MatchesHash(token, *u.TokenHash) || u.Status != StatusActive {
		s.tokens.put(gen, sum, Caller{}, false)
		return Caller{}, ErrInvalidToken
	}
	c := Caller{User: u.ID}
	if u.Role != nil {
		c.Role = *u.Role
		c.Admin = s.policy.Load().isAdmin(c.Role)
	}
	s.tokens.put(gen, sum, c, true)
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
	valid   map[tokenSum]Caller
	refused map[tokenSum]struct{}
}

// tokenSum is a token's SHA-256: the cache's key, compared without
// encoding it.
type tokenSum = [sha256.Size]byte

func newTokenCache() *tokenCache {
	return &tokenCache{valid: map[tokenSum]Caller{}, refused: map[tokenSum]struct{}{}}
}

// get returns a cached answer.
func (t *tokenCache) get(hash tokenSum) (c Caller, valid, cached bool) {
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
func (t *tokenCache) put(gen uint64, hash tokenSum, c Caller, valid bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if gen != t.gen {
		return
	}
	if valid {
		if len(t.valid) >= maxCachedTokens {
			t.valid = map[tokenSum]Caller{}
		}
		t.valid[hash] = c
		return
	}
	if len(t.refused) >= maxCachedTokens {
		t.refused = map[tokenSum]struct{}{}
	}
	t.refused[hash] = struct{}{}
}

// invalidate forgets everything.
func (t *tokenCache) invalidate() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.gen++
	t.valid = map[tokenSum]Caller{}
	t.refused = map[tokenSum]struct{}{}
}
