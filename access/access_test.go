package access

import (
	"context"
	"errors"
	"net/http/httptest"
	"testing"

	"github.com/hookflow/hookflow/storage"
)

func TestBootstrap(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	file := t.TempDir() + "/a.db"
	store, err := storage.Open(ctx, storage.Config{Filename: file})
	if err != nil {
		t.Fatal(err)
	}
	auth, generated, err := Bootstrap(ctx, store, "")
	if err != nil || len(generated) < 40 {
		t.Fatalf("first start generates a token: %q %v", generated, err)
	}
	if c, err := auth.Authenticate(ctx, generated); err != nil || !c.Admin {
		t.Fatalf("generated token: %+v %v", c, err)
	}
	if v, _ := store.GetSetting(ctx, adminTokenSetting); v == generated || v != HashToken(generated) {
		t.Fatal("the token must be stored hashed")
	}
	// The next start keeps it and shows nothing.
	auth, again, err := Bootstrap(ctx, store, "")
	if err != nil || again != "" {
		t.Fatalf("second start: %q %v", again, err)
	}
	if _, err := auth.Authenticate(ctx, generated); err != nil {
		t.Fatal(err)
	}
	// A configured token replaces it.
	auth, _, err = Bootstrap(ctx, store, "chosen")
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
	_ = store.Close()
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
