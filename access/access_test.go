package access

import (
	"context"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/hookflow/hookflow/flows"
	"github.com/hookflow/hookflow/internal/testdb"
	"github.com/hookflow/hookflow/storage"
)

// openStore opens a store in the test's temporary directory (a PostgreSQL
// schema of its own under HOOKFLOW_TEST_DB).
func openStore(t *testing.T) *storage.Store {
	t.Helper()
	cfg := storage.Config{Filename: t.TempDir() + "/a.db"}
	if testdb.Postgres() {
		cfg = storage.Config{Dialect: storage.DialectPostgres, ConnectionString: testdb.NewSchema(t)}
	}
	store, err := storage.Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = store.Close() })
	return store
}

// newService starts a service with admin token "admin-token".
func newService(t *testing.T) *Service {
	t.Helper()
	s, _, err := New(context.Background(), openStore(t), Config{AdminToken: "admin-token"})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// docs parses test documents.
func docs(t *testing.T, list ...string) []map[string]any {
	t.Helper()
	out := make([]map[string]any, len(list))
	for i, s := range list {
		out[i] = obj(t, s)
	}
	return out
}

func TestAdminTokenBootstrap(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store := openStore(t)
	auth, generated, err := New(ctx, store, Config{})
	if err != nil || len(generated) < 40 {
		t.Fatalf("first start generates a token: %q %v", generated, err)
	}
	if c, err := auth.Authenticate(ctx, generated); err != nil || !c.Admin || c.Role != AdminRole {
		t.Fatalf("generated token: %+v %v", c, err)
	}
	if v, _ := store.GetSetting(ctx, adminTokenSetting); v == generated || v != HashToken(generated) {
		t.Fatal("the token must be stored hashed")
	}
	// The next start keeps it and shows nothing.
	auth, again, err := New(ctx, store, Config{})
	if err != nil || again != "" {
		t.Fatalf("second start: %q %v", again, err)
	}
	if _, err := auth.Authenticate(ctx, generated); err != nil {
		t.Fatal(err)
	}
	// A configured token replaces it.
	auth, _, err = New(ctx, store, Config{AdminToken: "chosen"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := auth.Authenticate(ctx, generated); !errors.Is(err, ErrInvalidToken) {
		t.Fatal("the old token must stop working")
	}
	if _, err := auth.Authenticate(ctx, "chosen"); err != nil {
		t.Fatal(err)
	}
	if _, err := auth.Authenticate(ctx, ""); !errors.Is(err, ErrInvalidToken) {
		t.Fatal("an empty token is never valid")
	}
}

func TestTokenFromRequest(t *testing.T) {
	t.Parallel()
	tests := []struct {
		header, query string
		token         string
		present       bool
	}{
		{"Bearer abc", "", "abc", true},
		{"bearer  abc ", "", "abc", true},
		{"Basic xyz", "", "", true},
		{"", "access_token=q", "q", true},
		{"", "a=1&access_token=q%2Br", "q+r", true},
		{"", "my_access_token_count=1", "", false},
		{"", "access%5Ftoken=q", "q", true},
		{"", "x=%20&%61ccess%5ftoken=q", "q", true},
		{"", "access_token=&access_token=q", "", false},
		{"", "a=1;access_token=x&access_token=q", "q", true}, // Go drops a part with ';'
		{"", "access_token=%zz&access_token=q", "q", true},   // and one that does not decode
		{"", "ACCESS_TOKEN=q", "", false},
		{"", "access%5Ftoken%00=q", "", false},
		{"", "", "", false},
	}
	for _, tc := range tests {
		r := httptest.NewRequest("GET", "/x?"+tc.query, nil)
		if tc.header != "" {
			r.Header.Set("Authorization", tc.header)
		}
		token, present := TokenFromRequest(r)
		if token != tc.token || present != tc.present {
			t.Errorf("%q/%q: got (%q, %v)", tc.header, tc.query, token, present)
		}
	}
}

func TestUserTokens(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newService(t)
	if _, err := s.CreateRoles(ctx, docs(t, `{"id": "editor", "name": "Editor"}`, `{"id": "ops", "name": "Ops"}`), true); err != nil {
		t.Fatal(err)
	}
	created, err := s.CreateUsers(ctx, docs(t, `{"email": "ed@example.com", "role": "editor"}`), false)
	if err != nil {
		t.Fatal(err)
	}
	u := created[0]
	if len(u.Token) < 40 || u.TokenHash == nil || *u.TokenHash != HashToken(u.Token) {
		t.Fatalf("a created user gets a token, stored hashed: %+v", u)
	}
	expect := func(token, role string, admin bool) {
		t.Helper()
		for range 2 { // the second answer comes from the cache
			c, err := s.Authenticate(ctx, token)
			switch {
			case role == "" && !errors.Is(err, ErrInvalidToken):
				t.Fatalf("token must be refused: %+v %v", c, err)
			case role != "" && (err != nil || c.User != u.ID || c.Role != role || c.Admin != admin):
				t.Fatalf("caller %+v %v, want role %s admin %v", c, err, role, admin)
			}
		}
	}
	expect(u.Token, "editor", false)
	expect("made-up", "", false)

	// A role change reaches cached tokens at once.
	if _, err := s.UpdateRole(ctx, "editor", obj(t, `{"admin_access": true}`)); err != nil {
		t.Fatal(err)
	}
	expect(u.Token, "editor", true)
	if _, err := s.UpdateUser(ctx, u.ID, obj(t, `{"role": "ops"}`)); err != nil {
		t.Fatal(err)
	}
	expect(u.Token, "ops", false)

	// Rotation invalidates the old token.
	rotated, err := s.RotateToken(ctx, u.ID)
	if err != nil || rotated.Token == u.Token {
		t.Fatalf("rotate: %v", err)
	}
	expect(u.Token, "", false)
	u.Token = rotated.Token
	expect(u.Token, "ops", false)

	// Suspension and deletion refuse the token.
	if _, err := s.UpdateUser(ctx, u.ID, obj(t, `{"status": "suspended"}`)); err != nil {
		t.Fatal(err)
	}
	expect(u.Token, "", false)
	if _, err := s.UpdateUser(ctx, u.ID, obj(t, `{"status": "active"}`)); err != nil {
		t.Fatal(err)
	}
	expect(u.Token, "ops", false)
	if err := s.DeleteUser(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	expect(u.Token, "", false)
}

// TestUserEmailsAreUnique: an address is one user's whatever its case,
// and a taken one is named as the cause of the conflict.
func TestUserEmailsAreUnique(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newService(t)
	created, err := s.CreateUsers(ctx, docs(t, `{"email": " Ann@Example.COM "}`, `{"email": "bob@example.com"}`), true)
	if err != nil {
		t.Fatal(err)
	}
	if got := *created[0].Email; got != "ann@example.com" {
		t.Fatalf("stored email %q", got)
	}
	taken := func(err error) {
		t.Helper()
		if !errors.Is(err, storage.ErrConflict) || !strings.Contains(err.Error(), "email") {
			t.Fatalf("want a conflict naming the email, got %v", err)
		}
	}
	_, err = s.CreateUsers(ctx, docs(t, `{"email": "ANN@example.com"}`), false)
	taken(err)
	_, err = s.UpdateUser(ctx, created[1].ID, obj(t, `{"email": "ann@EXAMPLE.com"}`))
	taken(err)
}

func TestDeletingARoleLeavesItsUsersWithoutOne(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newService(t)
	if _, err := s.CreateRoles(ctx, docs(t, `{"id": "temp", "name": "Temp"}`), false); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreatePermissions(ctx, docs(t, `{"role": "temp", "collection": "orders", "action": "read"}`), false); err != nil {
		t.Fatal(err)
	}
	users, err := s.CreateUsers(ctx, docs(t, `{"role": "temp"}`), false)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteRole(ctx, "temp"); err != nil {
		t.Fatal(err)
	}
	c, err := s.Authenticate(ctx, users[0].Token)
	if err != nil || c.Role != "" {
		t.Fatalf("the user keeps its token without a role: %+v %v", c, err)
	}
	if perms, _ := s.store.ListPermissions(ctx, "temp"); len(perms) != 0 {
		t.Fatal("the role's permissions go with it")
	}
	for _, id := range []string{AdminRole, PublicRole} {
		if err := s.DeleteRole(ctx, id); !errors.Is(err, ErrForbidden) {
			t.Fatalf("the %s role cannot be deleted: %v", id, err)
		}
	}
}

func TestDecisions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newService(t)
	if _, err := s.CreateRoles(ctx, docs(t, `{"id": "editor", "name": "Editor"}`, `{"id": "boss", "name": "Boss", "admin_access": true}`), true); err != nil {
		t.Fatal(err)
	}
	_, err := s.CreatePermissions(ctx, docs(t,
		`{"role": "editor", "collection": "orders", "action": "read"}`,
		`{"role": "editor", "collection": "flows", "action": "trigger", "item": "f1"}`,
		`{"role": "public", "collection": "products", "action": "read"}`,
		`{"role": "public", "collection": "flows", "action": "trigger", "item": "open"}`,
		`{"role": "editor", "collection": "runs", "action": "read"}`,
	), true)
	if err != nil {
		t.Fatal(err)
	}
	anon := Caller{}
	editor := Caller{User: "u1", Role: "editor"}
	boss := Caller{User: "u2", Role: "boss", Admin: true}
	roleless := Caller{User: "u3"}
	tests := []struct {
		caller                   Caller
		collection, action, item string
		want                     bool
	}{
		{editor, "orders", "read", "", true},
		{editor, "orders", "create", "", false},
		{editor, "products", "read", "", true}, // the public floor
		{editor, "flows", "trigger", "f1", true},
		{editor, "flows", "trigger", "f2", false},
		{editor, "flows", "trigger", "open", true},
		{editor, "flows", "read", "", false},
		{editor, "runs", "read", "", true},
		{anon, "products", "read", "", true},
		{anon, "orders", "read", "", false},
		{anon, "flows", "trigger", "open", true},
		{anon, "flows", "trigger", "f1", false},
		{roleless, "products", "read", "", true},
		{roleless, "orders", "read", "", false},
		{boss, "anything", "delete", "", true},
	}
	for _, tc := range tests {
		if got := s.Allows(tc.caller, tc.collection, tc.action, tc.item); got != tc.want {
			t.Errorf("%+v %s %s %q: %v, want %v", tc.caller, tc.action, tc.collection, tc.item, got, tc.want)
		}
	}
	if !s.PublicMayTrigger("open") || s.PublicMayTrigger("f1") {
		t.Error("PublicMayTrigger")
	}

	acc := func(role any) map[string]any { return map[string]any{"user": "u", "role": role} }
	items := []struct {
		permissions string
		acc         map[string]any
		collection  string
		action      string
		allowed     bool
	}{
		{"$full", acc(nil), "orders", "delete", true},
		{"$trigger", acc("editor"), "orders", "read", true},
		{"", acc("editor"), "orders", "read", true},
		{"$trigger", acc("editor"), "orders", "create", false},
		{"$trigger", acc(nil), "orders", "read", false},
		{"$trigger", acc(nil), "products", "read", true},
		{"$trigger", acc("admin"), "orders", "delete", true},
		{"$trigger", acc("boss"), "orders", "delete", true},
		{"$public", acc("admin"), "orders", "read", false},
		{"$public", acc(nil), "products", "read", true},
		{"editor", acc(nil), "orders", "read", true},
		{"editor", acc("admin"), "orders", "update", false},
		{"ghost", acc("admin"), "orders", "read", false},
	}
	for _, tc := range items {
		err := s.CheckItems(ctx, tc.permissions, tc.acc, tc.collection, tc.action)
		if (err == nil) != tc.allowed || (err != nil && !errors.Is(err, ErrForbidden)) {
			t.Errorf("CheckItems(%q, %v, %s, %s) = %v, want allowed %v", tc.permissions, tc.acc, tc.collection, tc.action, err, tc.allowed)
		}
	}
}

func TestValidation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newService(t)
	tests := []struct {
		name  string
		apply func() error
		paths []string
	}{
		{"role without a name, bad id, unknown field", func() error {
			_, err := s.CreateRoles(ctx, docs(t, `{"id": "a b", "ip_access": ["1.2.3.4"]}`), false)
			return err
		}, []string{"ip_access", "id", "name"}},
		{"roles in an array", func() error {
			_, err := s.CreateRoles(ctx, docs(t, `{"name": "ok"}`, `{"name": "", "admin_access": "yes"}`), true)
			return err
		}, []string{"[1].name", "[1].admin_access"}},
		{"admin role stays admin", func() error {
			_, err := s.UpdateRole(ctx, AdminRole, obj(t, `{"admin_access": false}`))
			return err
		}, []string{"admin_access"}},
		{"public role never admin", func() error {
			_, err := s.UpdateRole(ctx, PublicRole, obj(t, `{"admin_access": true, "id": "x"}`))
			return err
		}, []string{"id", "admin_access"}},
		{"user with a chosen token and unknown role", func() error {
			_, err := s.CreateUsers(ctx, docs(t, `{"token": "mine", "role": "ghost", "status": "gone", "email": "nope"}`), false)
			return err
		}, []string{"token", "email", "role", "status"}},
		{"permission without members", func() error {
			_, err := s.CreatePermissions(ctx, docs(t, `{}`), false)
			return err
		}, []string{"role", "collection", "action"}},
		{"permission problems", func() error {
			_, err := s.CreatePermissions(ctx, docs(t, `{"role": "ghost", "collection": "orders", "action": "trigger", "item": "x"}`), false)
			return err
		}, []string{"role", "action", "item"}},
		{"runs are read only", func() error {
			_, err := s.CreatePermissions(ctx, docs(t, `{"role": "public", "collection": "runs", "action": "delete"}`), false)
			return err
		}, []string{"action"}},
		{"bad collection name", func() error {
			_, err := s.CreatePermissions(ctx, docs(t, `{"role": "public", "collection": "a-b", "action": "read"}`), false)
			return err
		}, []string{"collection"}},
		{"row rules are refused", func() error {
			_, err := s.CreatePermissions(ctx, docs(t, `{"role": "public", "collection": "orders", "action": "read",
				"permissions": {"owner": {"_eq": "$CURRENT_USER"}}, "fields": ["id"], "validation": {}, "presets": null}`), false)
			return err
		}, []string{"fields", "permissions"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.apply()
			var verrs flows.ValidationErrors
			if !errors.As(err, &verrs) {
				t.Fatalf("want findings, got %v", err)
			}
			var paths []string
			for _, v := range verrs {
				paths = append(paths, v.Path)
			}
			if len(paths) != len(tc.paths) {
				t.Fatalf("findings %v, want %v", verrs, tc.paths)
			}
			for i := range paths {
				if paths[i] != tc.paths[i] {
					t.Fatalf("findings %v, want %v", verrs, tc.paths)
				}
			}
		})
	}
	// Directus's empty rules are accepted; a repeated grant is a conflict.
	p := `{"role": "public", "collection": "orders", "action": "read", "fields": ["*"], "permissions": {}, "validation": null}`
	if _, err := s.CreatePermissions(ctx, docs(t, p), false); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreatePermissions(ctx, docs(t, p), false); !errors.Is(err, storage.ErrConflict) {
		t.Fatalf("a repeated grant: %v", err)
	}
}

func obj(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatalf("bad test JSON %s: %v", s, err)
	}
	return m
}

func TestRemoveTokens(t *testing.T) {
	t.Parallel()
	ours := func(token string) bool { return token == "ours" }
	tests := []struct {
		query, wantQuery string
		auth, wantAuth   []string
	}{
		{"a=1&access_token=x&b=2", "a=1&b=2", nil, nil},
		{"access%5Ftoken=x&%61ccess_token=y&a=%20", "a=%20", nil, nil},
		{"access_token=x", "", []string{"Bearer ours"}, nil},
		{"a=1", "a=1", []string{"Basic abc"}, []string{"Basic abc"}},
		{"a=1", "a=1", []string{"Bearer theirs", "bearer ours"}, []string{"Bearer theirs"}},
		{"ACCESS_TOKEN=x&my_access_token=y", "ACCESS_TOKEN=x&my_access_token=y", nil, nil},
	}
	for _, tc := range tests {
		r := httptest.NewRequest("GET", "/x?"+tc.query, nil)
		for _, v := range tc.auth {
			r.Header.Add("Authorization", v)
		}
		RemoveTokens(r, ours)
		if r.URL.RawQuery != tc.wantQuery || !slices.Equal(r.Header.Values("Authorization"), tc.wantAuth) {
			t.Errorf("%q %q: query %q, Authorization %q", tc.query, tc.auth, r.URL.RawQuery, r.Header.Values("Authorization"))
		}
		wantURI := "/x"
		if tc.wantQuery != "" {
			wantURI += "?" + tc.wantQuery
		}
		if r.RequestURI != wantURI {
			t.Errorf("%q: RequestURI %s, want %s", tc.query, r.RequestURI, wantURI)
		}
	}
}
