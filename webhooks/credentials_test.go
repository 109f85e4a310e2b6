package webhooks

import (
	"reflect"
	"testing"

	"github.com/hookflow/hookflow/flows"
	"github.com/hookflow/hookflow/storage"
)

func TestShownHeadersMaskCredentials(t *testing.T) {
	t.Parallel()
	sub := &storage.Subscription{Headers: []storage.Header{
		{Name: "authorization", Value: "Bearer a"},
		{Name: "X-Api-Key", Value: "k"},
		{Name: "X-Tenant", Value: "acme"},
		{Name: "X-Empty-Token", Value: ""},
	}}
	want := []storage.Header{
		{Name: "authorization", Value: PasswordMask},
		{Name: "X-Api-Key", Value: PasswordMask},
		{Name: "X-Tenant", Value: "acme"},
		{Name: "X-Empty-Token", Value: ""},
	}
	if got := ShownHeaders(sub); !reflect.DeepEqual(got, want) {
		t.Fatalf("shown %v", got)
	}
	if sub.Headers[0].Value != "Bearer a" {
		t.Fatal("showing changed the subscription")
	}
}

// TestMaskedHeadersKeepTheirValues: a mask sent back stands for the stored
// value of that header (names in any case, repeated names in order); a
// new value replaces it; a mask with nothing stored, or on a header that
// is no credential, is not a stored value.
func TestMaskedHeadersKeepTheirValues(t *testing.T) {
	t.Parallel()
	svc := New(Config{})
	sub := &storage.Subscription{
		Method: "POST", Status: StatusActive, URL: "https://example.com", Events: []any{"a.b"},
		Headers: []storage.Header{{Name: "Cookie", Value: "a=1"}, {Name: "Cookie", Value: "b=2"}, {Name: "X-Api-Key", Value: "k"}},
	}
	var errs flows.ValidationErrors
	svc.Apply(sub, map[string]any{"headers": []any{
		map[string]any{"header": "cookie", "value": PasswordMask},
		map[string]any{"header": "COOKIE", "value": PasswordMask},
		map[string]any{"header": "x-api-key", "value": "new"},
		map[string]any{"header": "X-Tenant", "value": PasswordMask},
	}}, "", &errs)
	want := []storage.Header{
		{Name: "cookie", Value: "a=1"},
		{Name: "COOKIE", Value: "b=2"},
		{Name: "x-api-key", Value: "new"},
		{Name: "X-Tenant", Value: PasswordMask},
	}
	if len(errs) != 0 || !reflect.DeepEqual(sub.Headers, want) {
		t.Fatalf("headers %v, findings %v", sub.Headers, errs)
	}
	svc.Apply(sub, map[string]any{"headers": map[string]any{"Cookie": PasswordMask, "X-Secret": PasswordMask}}, "", &errs)
	if len(errs) != 1 || errs[0].Path != "headers.X-Secret" {
		t.Fatalf("findings %v", errs)
	}
}

func TestAuthorizationBesideBasicAuthIsRefused(t *testing.T) {
	t.Parallel()
	svc := New(Config{})
	for _, tc := range []struct {
		doc     map[string]any
		refused bool
	}{
		{map[string]any{"headers": map[string]any{"Authorization": "Bearer t"}, "http_basic_user": "bob"}, true},
		{map[string]any{"headers": map[string]any{"authorization": "Bearer t"}, "http_basic_user": "bob", "http_basic_password": "pw"}, true},
		{map[string]any{"headers": map[string]any{"Authorization": "Bearer t"}}, false},
		{map[string]any{"headers": map[string]any{"Proxy-Authorization": "Basic x"}, "http_basic_user": "bob"}, false},
		{map[string]any{"http_basic_user": "bob", "http_basic_password": "pw"}, false},
	} {
		sub := NewSubscription(FormatGeneric)
		doc := map[string]any{"url": "https://example.com", "events": []any{"a.b"}}
		for k, v := range tc.doc {
			doc[k] = v
		}
		var errs flows.ValidationErrors
		svc.Apply(sub, doc, "", &errs)
		if refused := len(errs) == 1 && (errs[0].Path == "headers.Authorization" || errs[0].Path == "headers.authorization"); refused != tc.refused || !tc.refused && len(errs) > 0 {
			t.Errorf("%v: findings %v", tc.doc, errs)
		}
	}
}
