package access

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hookflow/hookflow/storage"
)

// adminTokenSetting is where the admin token's hash is kept.
const adminTokenSetting = "admin_token_sha256"

// builtinRoles exist on every server; they cannot be deleted, and their
// admin access cannot change.
var builtinRoles = []storage.Role{
	{ID: AdminRole, Name: "Administrator", Description: "May do everything.", AdminAccess: true},
	{ID: PublicRole, Name: "Public", Description: "What anyone may do, without a token."},
}

// Config tunes a Service.
type Config struct {
	// AdminToken is the bootstrap admin's token (ADMIN_TOKEN); see New.
	AdminToken string
	// Now is the clock of creation dates (time.Now by default).
	Now    func() time.Time
	Logger *slog.Logger
	// OnChange is called after every change of users, roles or
	// permissions, once the new snapshot is in place: what was computed
	// under the old one (cached answers) must not be served any more.
	OnChange func()
}

// Service authenticates callers and decides what they may do; it is also
// where users, roles and permissions change, so that every change reaches
// the snapshot and the token cache at once.
type Service struct {
	store    *storage.Store
	now      func() time.Time
	logger   *slog.Logger
	adminSum tokenSum // the admin token's hash, decoded
	policy   atomic.Pointer[policy]
	tokens   *tokenCache
	onChange func()
	// writes serialises changes, so that snapshots are built in the order
	// the changes were committed.
	writes sync.Mutex
}

// New prepares access control: the built-in roles, the snapshot of roles
// and permissions, and the admin token. A configured token replaces the
// stored hash; without one, the stored hash is kept, and on the very first
// start a token is generated and returned (the only time it is visible).
func New(ctx context.Context, store *storage.Store, cfg Config) (s *Service, generated string, err error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	s = &Service{
		store:    store,
		now:      cfg.Now,
		logger:   cfg.Logger,
		tokens:   newTokenCache(),
		onChange: cfg.OnChange,
	}
	roles := make([]storage.Role, len(builtinRoles))
	for i, r := range builtinRoles {
		r.DateCreated = cfg.Now().UTC()
		roles[i] = r
	}
	if err := store.EnsureRoles(ctx, roles...); err != nil {
		return nil, "", fmt.Errorf("create built-in roles: %w", err)
	}
	hash, generated, err := adminToken(ctx, store, cfg.AdminToken)
	if err != nil {
		return nil, "", err
	}
	if n, err := hex.Decode(s.adminSum[:], []byte(hash)); err != nil || n != len(s.adminSum) {
		return nil, "", fmt.Errorf("stored admin token hash is damaged: reset it with ADMIN_TOKEN")
	}
	if err := s.reload(ctx); err != nil {
		return nil, "", err
	}
	return s, generated, nil
}

// adminToken returns the admin token's hash, storing a configured or
// generated one.
func adminToken(ctx context.Context, store *storage.Store, configured string) (hash, generated string, err error) {
	if configured == "" {
		hash, err = store.GetSetting(ctx, adminTokenSetting)
		if err == nil {
			return hash, "", nil
		}
		if !errors.Is(err, storage.ErrNotFound) {
			return "", "", fmt.Errorf("read admin token: %w", err)
		}
		if generated, err = GenerateToken(); err != nil {
			return "", "", err
		}
		configured = generated
	}
	hash = HashToken(configured)
	if err := store.PutSetting(ctx, adminTokenSetting, hash); err != nil {
		return "", "", fmt.Errorf("store admin token: %w", err)
	}
	return hash, generated, nil
}

// reload builds a new snapshot from the store and forgets every cached
// token, whose caller may have changed with it.
func (s *Service) reload(ctx context.Context) error {
	roles, err := s.store.ListRoles(ctx)
	if err != nil {
		return fmt.Errorf("load roles: %w", err)
	}
	perms, err := s.store.ListPermissions(ctx, "")
	if err != nil {
		return fmt.Errorf("load permissions: %w", err)
	}
	s.policy.Store(newPolicy(roles, perms))
	s.tokens.invalidate()
	return nil
}

// Reload reads users, roles and permissions again, after another server
// sharing the database changed them (storage.TopicAccess): tokens cached
// here are forgotten and cached answers stop being served (OnChange), as
// after a change made here.
func (s *Service) Reload(ctx context.Context) error {
	s.writes.Lock()
	defer s.writes.Unlock()
	s.tokens.invalidate()
	err := s.reload(ctx)
	if s.onChange != nil {
		s.onChange()
	}
	return err
}

// change applies a write to users, roles or permissions and then reloads:
// callers see either the old state or the new one, never a token or grant
// that the write removed.
func (s *Service) change(ctx context.Context, write func() error) error {
	s.writes.Lock()
	defer s.writes.Unlock()
	// Forget cached tokens first as well: a request that authenticates
	// while the write commits must not cache what the write replaces.
	s.tokens.invalidate()
	err := write()
	if rerr := s.reload(context.WithoutCancel(ctx)); rerr != nil {
		s.logger.Error("reloading roles and permissions failed", "error", rerr)
		if err == nil {
			err = rerr
		}
	}
	if s.onChange != nil {
		s.onChange()
	}
	return err
}

// Allows reports whether the caller may perform action on collection; item
// names a flow for ActionTrigger and is "" otherwise.
func (s *Service) Allows(c Caller, collection, action, item string) bool {
	return c.Admin || s.policy.Load().allows(c.Role, collection, action, item)
}

// MayTrigger reports whether the caller may trigger a flow.
func (s *Service) MayTrigger(c Caller, flowID string) bool {
	return s.Allows(c, storage.SystemFlows, ActionTrigger, flowID)
}

// PublicMayTrigger reports whether the public role may trigger a flow,
// which makes the flow public.
func (s *Service) PublicMayTrigger(flowID string) bool {
	return s.policy.Load().grants(PublicRole, storage.SystemFlows, ActionTrigger, flowID)
}
