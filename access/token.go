package access

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"net/url"
	"strings"
)

// tokenBytes is the entropy of a generated token.
const tokenBytes = 32

// GenerateToken returns a new random token (URL-safe, 43 characters).
func GenerateToken() (string, error) {
	var b [tokenBytes]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}

// HashToken returns the stored form of a token. Tokens are long random
// strings, so a fast hash is enough: there is nothing to brute-force.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// MatchesHash compares a presented token with a stored hash in constant time.
func MatchesHash(token, hash string) bool {
	got := HashToken(token)
	return subtle.ConstantTimeCompare([]byte(got), []byte(hash)) == 1
}

// queryTokenName is the query parameter a token may be sent in.
const queryTokenName = "access_token"

// TokenFromRequest is the one place that decides which credential a
// request presents: the `Authorization: Bearer …` header, else the first
// access_token query parameter (its name read as Go's URL parsing reads
// it, so `access%5Ftoken` counts). present reports whether one was sent at
// all (an Authorization header with another scheme counts as sent).
// RemoveTokens takes out of the request what this reads.
func TokenFromRequest(r *http.Request) (token string, present bool) {
	if h := r.Header.Get("Authorization"); h != "" {
		return bearerToken(h)
	}
	if !mayNameQueryToken(r.URL.RawQuery) {
		return "", false
	}
	for part := range strings.SplitSeq(r.URL.RawQuery, "&") {
		name, value, _ := strings.Cut(part, "=")
		if strings.Contains(part, ";") || !namesQueryToken(name) {
			continue // Go's URL parsing drops a part with a semicolon
		}
		if v, err := url.QueryUnescape(value); err == nil {
			return v, v != ""
		}
	}
	return "", false
}

// bearerToken reads an Authorization header: the token of the Bearer
// scheme (any case), or none with present set for another scheme.
func bearerToken(h string) (token string, present bool) {
	scheme, value, ok := strings.Cut(h, " ")
	if ok && strings.EqualFold(scheme, "Bearer") {
		return strings.TrimSpace(value), true
	}
	return "", true
}

// RemoveTokens takes our credentials out of a request before a flow sees
// it (in `$trigger.query`, `$trigger.headers`, the GET cache's key, a
// request it forwards): every access_token query parameter, however its
// name is encoded and whether or not it authenticated, and every
// `Authorization: Bearer` value whose token ours reports as one of ours
// (a request may repeat the header; only the first authenticates). An
// Authorization header that is not ours stays: on a public flow it is the
// sender's own.
func RemoveTokens(r *http.Request, ours func(token string) bool) {
	if values := r.Header.Values("Authorization"); len(values) > 0 {
		kept := values[:0:0]
		for _, v := range values {
			if token, _ := bearerToken(v); token == "" || !ours(token) {
				kept = append(kept, v)
			}
		}
		if len(kept) < len(values) {
			r.Header["Authorization"] = kept
			if len(kept) == 0 {
				r.Header.Del("Authorization")
			}
		}
	}
	if !mayNameQueryToken(r.URL.RawQuery) {
		return
	}
	parts := strings.Split(r.URL.RawQuery, "&")
	kept := parts[:0]
	for _, part := range parts {
		name, _, _ := strings.Cut(part, "=")
		if !namesQueryToken(name) {
			kept = append(kept, part)
		}
	}
	if len(kept) < len(parts) {
		r.URL.RawQuery = strings.Join(kept, "&")
		r.RequestURI = r.URL.RequestURI()
	}
}

// mayNameQueryToken is the cheap test that lets most queries skip the
// scan: a name that decodes to access_token is written as is or holds a
// percent escape.
func mayNameQueryToken(rawQuery string) bool {
	return strings.Contains(rawQuery, queryTokenName) || strings.IndexByte(rawQuery, '%') >= 0
}

// namesQueryToken reports whether a raw query parameter name decodes, as
// Go's URL parsing decodes names, to access_token: `access_token`,
// `access%5Ftoken`, `%61ccess_token`, any case of the hex digits.
func namesQueryToken(rawName string) bool {
	if rawName == queryTokenName {
		return true
	}
	// Each byte of the name is written as itself or as a three-byte escape.
	if len(rawName) <= len(queryTokenName) || len(rawName) > 3*len(queryTokenName) || strings.IndexByte(rawName, '%') < 0 {
		return false
	}
	name, err := url.QueryUnescape(rawName)
	return err == nil && name == queryTokenName
}
