package webhooks

import (
	"net/http"
	"strings"

	"github.com/hookflow/hookflow/flows"
	"github.com/hookflow/hookflow/redact"
	"github.com/hookflow/hookflow/storage"
)

// Credentials are never shown back: the basic-auth password and the
// values of credential headers (redact.IsCredentialHeader: Authorization,
// Cookie, X-Api-Key, anything with token, secret, key, password…) read as
// PasswordMask, and a client that sends a mask back keeps the stored value
// (Directus and Svix clients PUT what they read). Deliveries send the real
// values.

// ShownHeaders are a subscription's custom headers as every API dialect
// shows them: credential values masked.
func ShownHeaders(sub *storage.Subscription) []storage.Header {
	out := make([]storage.Header, len(sub.Headers))
	for i, h := range sub.Headers {
		if h.Value != "" && redact.IsCredentialHeader(h.Name) {
			h.Value = PasswordMask
		}
		out[i] = h
	}
	return out
}

// keepMaskedHeaders gives the credential headers of next that were sent
// back masked their stored value in was: the n-th header of a name takes
// the n-th stored one of that name (in any case). A mask with no stored
// value to stand for is refused.
func keepMaskedHeaders(was, next []storage.Header, errs *flows.ValidationErrors) {
	seen := map[string]int{}
	for i := range next {
		h := &next[i]
		name := http.CanonicalHeaderKey(h.Name)
		n := seen[name]
		seen[name]++
		if h.Value != PasswordMask || !redact.IsCredentialHeader(h.Name) {
			continue
		}
		if stored, ok := nthHeader(was, name, n); ok {
			h.Value = stored
			continue
		}
		errs.Add("headers."+h.Name, "is the mask %s, which keeps a stored value, but none is stored: send the value", PasswordMask)
	}
}

// nthHeader is the value of the n-th (from 0) header of a canonical name.
func nthHeader(list []storage.Header, name string, n int) (string, bool) {
	for _, h := range list {
		if http.CanonicalHeaderKey(h.Name) != name {
			continue
		}
		if n == 0 {
			return h.Value, true
		}
		n--
	}
	return "", false
}

// checkAuthorization refuses a custom Authorization header beside basic
// auth: both would set the one Authorization header of a delivery.
func checkAuthorization(sub *storage.Subscription, errs *flows.ValidationErrors) {
	if sub.BasicUser == "" && sub.BasicPassword == "" {
		return
	}
	for _, h := range sub.Headers {
		if strings.EqualFold(h.Name, "Authorization") {
			errs.Add("headers."+h.Name, "cannot be set together with http_basic_user/http_basic_password: both set the "+
				"Authorization header of a delivery; remove the header or the basic auth")
			return
		}
	}
}
