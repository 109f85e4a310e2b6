package webhooks

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/hookflow/hookflow/flows"
	"github.com/hookflow/hookflow/outbound"
	"github.com/hookflow/hookflow/storage"
)

// Methods are the HTTP methods a subscription may use.
var Methods = []string{http.MethodPost, http.MethodGet, http.MethodPut, http.MethodPatch, http.MethodDelete}

// PasswordMask is how a stored basic-auth password or credential header
// value is shown; sending it back keeps the stored value (clients that PUT
// what they read). See credentials.go.
const PasswordMask = "••••••••"

// maxRetries bounds a subscription's own retry schedule.
const maxRetries = 20

// maxRetryDelay bounds one delay of a retry schedule.
const maxRetryDelay = 7 * 24 * time.Hour

// readOnlyFields are fields clients read and may send back; they are
// ignored on writes.
var readOnlyFields = map[string]bool{
	"id": true, "created_at": true, "updated_at": true, "last_triggered": true, "disabled_reason": true,
	"previous_secret_expires_at": true,
}

// NewSubscription returns a subscription with the defaults of a create:
// active, POST, sending the event as its body, in the given format.
func NewSubscription(format string) *storage.Subscription {
	return &storage.Subscription{
		Method: http.MethodPost,
		Status: StatusActive,
		Data:   true,
		Format: format,
	}
}

// Apply changes sub by the fields of doc, a client's JSON object in the
// model's field names (docs/webhooks.md#the-model), and then checks the whole subscription.
// Every problem is recorded in errs, under prefix. Lists may be arrays or
// comma-separated strings; headers an object or a Directus list of
// {header, value}.
func (s *Service) Apply(sub *storage.Subscription, doc map[string]any, prefix string, errs *flows.ValidationErrors) {
	var local flows.ValidationErrors
	for key, v := range doc {
		applyField(sub, key, v, &local)
	}
	s.check(sub, &local)
	errs.Merge(prefix, local)
}

// applyField sets one field.
func applyField(sub *storage.Subscription, key string, v any, errs *flows.ValidationErrors) {
	switch key {
	case "name":
		sub.Name = nil
		if name := strings.TrimSpace(optionalField(key, v, errs)); name != "" {
			sub.Name = &name
		}
	case "description":
		sub.Description = optionalField(key, v, errs)
	case "url":
		text, ok := v.(string)
		if !ok {
			errs.Add(key, "must be a string")
		}
		sub.URL = strings.TrimSpace(text)
	case "method":
		text, _ := v.(string)
		sub.Method = strings.ToUpper(strings.TrimSpace(text))
	case "status":
		text, ok := v.(string)
		if !ok || (text != StatusActive && text != StatusInactive) {
			errs.Add(key, `must be "active" or "inactive"`)
		}
		sub.Status = text
	case "data":
		b, ok := v.(bool)
		if !ok {
			errs.Add(key, "must be true or false")
		}
		sub.Data = b
	case "actions", "collections":
		list, ok := csvList(v)
		if !ok {
			errs.Add(key, "must be a list of strings or a comma-separated string")
		}
		if key == "actions" {
			sub.Actions = list
		} else {
			sub.Collections = list
		}
	case "events":
		sub.Events = eventList(v, errs)
	case "headers":
		headers := headerList(v, errs)
		keepMaskedHeaders(sub.Headers, headers, errs)
		sub.Headers = headers
	case "http_basic_user":
		sub.BasicUser = optionalField(key, v, errs)
	case "http_basic_password":
		if text := optionalField(key, v, errs); text != PasswordMask {
			sub.BasicPassword = text
		}
	case "retry_schedule":
		sub.RetrySchedule = retrySchedule(v, errs)
	case "format":
		text, _ := v.(string)
		if !slices.Contains(Formats, text) {
			errs.Add(key, "must be one of %s", strings.Join(Formats, ", "))
		}
		sub.Format = text
	case "secret":
		text, _ := v.(string)
		if text == MaskSecret(sub.Secret) {
			return // sent back as read
		}
		if err := CheckSecret(text); err != nil {
			errs.Add(key, "%v", err)
		}
		sub.Secret = text
	default:
		if !readOnlyFields[key] {
			errs.Add(key, "unknown field")
		}
	}
}

// check verifies a subscription as a whole.
func (s *Service) check(sub *storage.Subscription, errs *flows.ValidationErrors) {
	if msg := s.checkURL(sub.URL); msg != "" {
		errs.Add("url", "%s", msg)
	}
	if !slices.Contains(Methods, sub.Method) {
		errs.Add("method", "must be one of %s", strings.Join(Methods, ", "))
	}
	m := compileMatcher(sub.Actions, sub.Collections, sub.Events, errs)
	if len(m.patterns) == 0 && len(m.dato) == 0 && (len(m.actions) == 0 || len(sub.Collections) == 0) {
		errs.Add("events", "the webhook would never fire: give events, or actions and collections")
	}
	if strings.Contains(sub.BasicUser, ":") {
		errs.Add("http_basic_user", "must not contain ':'")
	}
	if sub.BasicPassword != "" && sub.BasicUser == "" {
		errs.Add("http_basic_user", "is required with http_basic_password")
	}
	checkAuthorization(sub, errs)
	if sub.Name != nil && len(*sub.Name) > 255 {
		errs.Add("name", "must be at most 255 characters")
	}
}

// checkURL explains what is wrong with a delivery URL, or returns "". A
// host given as an address the outbound policy refuses is refused here
// already; names are checked when connecting.
func (s *Service) checkURL(raw string) string {
	u, err := url.Parse(raw)
	switch {
	case raw == "":
		return "is required"
	case len(raw) > 2048:
		return "must be at most 2048 characters"
	case err != nil:
		return "is not a URL"
	case u.Scheme != "http" && u.Scheme != "https":
		return "must be an absolute http:// or https:// URL"
	case u.Hostname() == "":
		return "has no host"
	case u.User != nil:
		return "must not hold credentials: use http_basic_user and http_basic_password"
	}
	host := u.Hostname()
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		host = "127.0.0.1"
	}
	addr, err := netip.ParseAddr(host)
	if err != nil {
		return ""
	}
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[u.Scheme]
	}
	if err := outbound.NewGuard(s.cfg.Policy).Check("tcp", net.JoinHostPort(addr.String(), port)); err != nil {
		return fmt.Sprintf("is not reachable under the outbound policy (%v)", err)
	}
	return ""
}
