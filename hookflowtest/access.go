package hookflowtest

import (
	"net/http"
	"testing"
)

// CreateRole creates a role with the given permissions, each
// {"collection": …, "action": …, "item": …} (the role is filled in), and
// fails the test when one is refused.
func (s *Server) CreateRole(t testing.TB, id string, permissions ...map[string]any) {
	t.Helper()
	if resp := s.Do(t, http.MethodPost, "/roles", map[string]any{"id": id, "name": id}); resp.Status != http.StatusOK {
		t.Fatalf("create role %s: %d %s", id, resp.Status, resp.Body)
	}
	s.Grant(t, id, permissions...)
}

// Grant gives a role permissions (see CreateRole).
func (s *Server) Grant(t testing.TB, role string, permissions ...map[string]any) {
	t.Helper()
	if len(permissions) == 0 {
		return
	}
	list := make([]any, len(permissions))
	for i, p := range permissions {
		withRole := map[string]any{"role": role}
		for k, v := range p {
			withRole[k] = v
		}
		list[i] = withRole
	}
	if resp := s.Do(t, http.MethodPost, "/permissions", list); resp.Status != http.StatusOK {
		t.Fatalf("grant %s: %d %s", role, resp.Status, resp.Body)
	}
}

// CreateUser creates a user in a role ("" for none) and returns its id and
// token.
func (s *Server) CreateUser(t testing.TB, role string) (id, token string) {
	t.Helper()
	doc := map[string]any{"role": nil}
	if role != "" {
		doc["role"] = role
	}
	resp := s.Do(t, http.MethodPost, "/users", doc)
	if resp.Status != http.StatusOK {
		t.Fatalf("create user: %d %s", resp.Status, resp.Body)
	}
	data, _ := resp.Data(t).(map[string]any)
	id, _ = data["id"].(string)
	token, _ = data["token"].(string)
	if id == "" || token == "" {
		t.Fatalf("create user: no id or token in %s", resp.Body)
	}
	return id, token
}
