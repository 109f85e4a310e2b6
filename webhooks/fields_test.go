package webhooks

import (
	"net/netip"
	"reflect"
	"strings"
	"testing"

	"github.com/hookflow/hookflow/flows"
	"github.com/hookflow/hookflow/outbound"
	"github.com/hookflow/hookflow/storage"
)

func TestApply(t *testing.T) {
	t.Parallel()
	svc := New(Config{Policy: outbound.Policy{Allow: []netip.Prefix{netip.MustParsePrefix("10.1.0.0/16")}}})
	base := map[string]any{"url": "https://example.com/hook", "events": []any{"orders.created"}}
	with := func(extra map[string]any) map[string]any {
		doc := map[string]any{}
		for k, v := range base {
			doc[k] = v
		}
		for k, v := range extra {
			doc[k] = v
		}
		return doc
	}
	tests := []struct {
		name  string
		doc   map[string]any
		check func(*storage.Subscription) bool
		paths []string // findings expected; none when empty
	}{
		{"defaults", base, func(s *storage.Subscription) bool {
			return s.Method == "POST" && s.Status == StatusActive && s.Data && s.Name == nil
		}, nil},
		{
			"csv lists",
			map[string]any{"url": "https://example.com", "actions": " create, update ", "collections": "a,b"},
			func(s *storage.Subscription) bool {
				return reflect.DeepEqual(s.Actions, []string{"create", "update"}) && reflect.DeepEqual(s.Collections, []string{"a", "b"})
			}, nil,
		},
		{
			"headers as an object", with(map[string]any{"headers": map[string]any{"X-B": "2", "X-A": "1"}}),
			func(s *storage.Subscription) bool {
				return reflect.DeepEqual(s.Headers, []storage.Header{{Name: "X-A", Value: "1"}, {Name: "X-B", Value: "2"}})
			}, nil,
		},
		{
			"headers as a Directus list", with(map[string]any{"headers": []any{map[string]any{"header": "X-A", "value": "1"}}}),
			func(s *storage.Subscription) bool { return len(s.Headers) == 1 && s.Headers[0].Value == "1" }, nil,
		},
		{
			"retry schedule", with(map[string]any{"retry_schedule": []any{1.5, "2m", "30"}}),
			func(s *storage.Subscription) bool {
				return reflect.DeepEqual(s.RetrySchedule, []int64{1500, 120000, 30000})
			}, nil,
		},
		{
			"no retries", with(map[string]any{"retry_schedule": []any{}}),
			func(s *storage.Subscription) bool { return s.RetrySchedule != nil && len(s.RetrySchedule) == 0 }, nil,
		},
		{
			"method and name", with(map[string]any{"method": "put", "name": "  hook  "}),
			func(s *storage.Subscription) bool { return s.Method == "PUT" && *s.Name == "hook" }, nil,
		},
		{"allowed private range", with(map[string]any{"url": "http://10.1.2.3:8080/x"}), nil, nil},
		{"refused private address", with(map[string]any{"url": "http://10.2.0.1/x"}), nil, []string{"url"}},
		{"localhost", with(map[string]any{"url": "http://localhost:9000/"}), nil, []string{"url"}},
		{"public IPv4 literal", with(map[string]any{"url": "https://93.184.216.34/hook"}), nil, nil},
		{"public IPv6 literal", with(map[string]any{"url": "http://[2606:2800:220:1:248:1893:25c8:1946]/hook"}), nil, nil},
		{"public literal on a port not allowed", with(map[string]any{"url": "http://93.184.216.34:8081/"}), nil, []string{"url"}},
		{"loopback IPv6 literal", with(map[string]any{"url": "http://[::1]/"}), nil, []string{"url"}},
		{"not http", with(map[string]any{"url": "ftp://example.com"}), nil, []string{"url"}},
		{"no url", map[string]any{"events": []any{"a.b"}}, nil, []string{"url"}},
		{"never fires", map[string]any{"url": "https://example.com", "actions": "create"}, nil, []string{"events"}},
		{"bad method and status", with(map[string]any{"method": "HEAD", "status": "disabled"}), nil, []string{"method", "status"}},
		{"reserved header", with(map[string]any{"headers": map[string]any{"Webhook-Id": "x"}}), nil, []string{"headers"}},
		{"bad header name", with(map[string]any{"headers": map[string]any{"X Bad": "x"}}), nil, []string{"headers"}},
		{"header value with a newline", with(map[string]any{"headers": map[string]any{"X-A": "a\nb"}}), nil, []string{"headers"}},
		{"password without user", with(map[string]any{"http_basic_password": "pw"}), nil, []string{"http_basic_user"}},
		{"retry delay too long", with(map[string]any{"retry_schedule": []any{"200h"}}), nil, []string{"retry_schedule[0]"}},
		{"chosen secret", with(map[string]any{"secret": "whsec_short"}), nil, []string{"secret"}},
		{"unknown and read-only fields", with(map[string]any{"colour": "red", "id": 3, "last_triggered": "x"}), nil, []string{"colour"}},
		{"format", with(map[string]any{"format": "xml"}), nil, []string{"format"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sub := NewSubscription(FormatGeneric)
			var errs flows.ValidationErrors
			svc.Apply(sub, tc.doc, "", &errs)
			got := map[string]bool{}
			for _, e := range errs {
				got[e.Path] = true
			}
			if len(tc.paths) == 0 && len(errs) > 0 {
				t.Fatalf("unexpected findings: %v", errs)
			}
			for _, p := range tc.paths {
				if !got[p] {
					t.Errorf("no finding at %s: %v", p, errs)
				}
			}
			if tc.check != nil && !tc.check(sub) {
				t.Fatalf("subscription %+v", sub)
			}
		})
	}
}

func TestApplyKeepsMaskedValues(t *testing.T) {
	t.Parallel()
	svc := New(Config{})
	secret, _ := NewSecret()
	sub := NewSubscription(FormatDatoCMS)
	sub.Secret, sub.BasicUser, sub.BasicPassword = secret, "user", "pw"
	var errs flows.ValidationErrors
	svc.Apply(sub, map[string]any{
		"url": "https://example.com", "events": "a.b", "secret": MaskSecret(secret),
		"http_basic_password": PasswordMask,
	}, "data.attributes", &errs)
	if len(errs) > 0 || sub.Secret != secret || sub.BasicPassword != "pw" {
		t.Fatalf("%v %+v", errs, sub)
	}
	svc.Apply(sub, map[string]any{"url": 5}, "data.attributes", &errs)
	if len(errs) == 0 || !strings.HasPrefix(errs[0].Path, "data.attributes.") {
		t.Fatalf("findings %v", errs)
	}
}
