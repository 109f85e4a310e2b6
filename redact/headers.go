package redact

import "strings"

// headerFragments are what makes a header name a credential besides the
// secret names: HTTP headers are named by people for machines, so any
// "key" (X-Api-Key, X-Idempotency-Key, Ocp-Apim-Subscription-Key) or
// "auth" (X-Auth, WWW-Authenticate) is taken to carry one. They are too
// broad for JSON field names, where "key" and "author" are ordinary.
var headerFragments = []string{"key", "auth"}

// IsCredentialHeader reports whether an HTTP header's value is a
// credential: its name is a secret name (Authorization,
// Proxy-Authorization, Cookie, X-Api-Key, anything with token, secret or
// password) or contains "key" or "auth", in any case.
func IsCredentialHeader(name string) bool {
	if IsSecretName(name) {
		return true
	}
	for _, f := range headerFragments {
		if containsFold(name, f) {
			return true
		}
	}
	return false
}

// containsFold reports whether s contains the lower-case ASCII word w in
// any case, without allocating.
func containsFold(s, w string) bool {
	for i := 0; i+len(w) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(w)], w) {
			return true
		}
	}
	return false
}
