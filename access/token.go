package access

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"net/http"
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

// TokenFromRequest extracts a token from `Authorization: Bearer …` or the
// `access_token` query parameter; present reports whether one was sent at
// all (an Authorization header with another scheme counts as sent).
func TokenFromRequest(r *http.Request) (token string, present bool) {
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, value, ok := strings.Cut(h, " ")
		if ok && strings.EqualFold(scheme, "Bearer") {
			return strings.TrimSpace(value), true
		}
		return "", true
	}
	// Most requests carry no access_token: skip parsing their query.
	if !strings.Contains(r.URL.RawQuery, "access_token") {
		return "", false
	}
	if t := r.URL.Query().Get("access_token"); t != "" {
		return t, true
	}
	return "", false
}
