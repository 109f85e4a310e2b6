package webhooks

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"time"
)

// Signature headers. They are set after a subscription's custom headers,
// so custom headers can never replace them.
const (
	// HeaderID is the Standard Webhooks message id
	// (https://www.standardwebhooks.com): the same on every attempt.
	HeaderID = "webhook-id"
	// HeaderTimestamp is the attempt's time in Unix seconds.
	HeaderTimestamp = "webhook-timestamp"
	// HeaderSignature lists "v1,<base64>" signatures, space-separated.
	HeaderSignature = "webhook-signature"
	// HeaderHexSignature is the generic API's signature: hex HMAC-SHA256 of the
	// body keyed with the secret string as shown ("whsec_…").
	HeaderHexSignature = "X-Webhook-Signature"
	// HeaderPreviousHexSignature carries the same signature by the
	// previous secret while a rotated secret is still honoured.
	HeaderPreviousHexSignature = "X-Webhook-Signature-Previous"
)

// secretPrefix starts every signing secret.
const secretPrefix = "whsec_"

// NewSecret returns a signing secret: "whsec_" and the standard base64 of
// 32 random bytes.
func NewSecret() (string, error) {
	var key [32]byte
	if _, err := rand.Read(key[:]); err != nil {
		return "", err
	}
	return secretPrefix + base64.StdEncoding.EncodeToString(key[:]), nil
}

// secretKey is the HMAC key of the Standard Webhooks signature: the
// base64-decoded part after "whsec_".
func secretKey(secret string) ([]byte, error) {
	if !strings.HasPrefix(secret, secretPrefix) {
		return nil, errors.New(`must start with "whsec_"`)
	}
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, secretPrefix))
	if err != nil {
		return nil, errors.New(`the part after "whsec_" must be standard base64`)
	}
	if len(key) < 24 || len(key) > 64 {
		return nil, errors.New("the key must be 24 to 64 bytes (32 recommended)")
	}
	return key, nil
}

// CheckSecret reports what is wrong with a secret a client chose, or nil.
func CheckSecret(secret string) error {
	_, err := secretKey(secret)
	return err
}

// MaskSecret is how a secret is shown after creation: its prefix only.
func MaskSecret(secret string) string {
	if secret == "" {
		return ""
	}
	return secretPrefix + strings.Repeat("•", 30)
}

// hexSignature is the generic API's X-Webhook-Signature.
func hexSignature(secret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return hex.EncodeToString(mac.Sum(nil))
}

// standardSignature is one "v1,<base64>" entry of webhook-signature: the
// HMAC-SHA256 of "id.timestamp.body" keyed with the secret's key.
func standardSignature(key []byte, id string, ts int64, body []byte) string {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(id))
	mac.Write([]byte{'.'})
	mac.Write(strconv.AppendInt(nil, ts, 10))
	mac.Write([]byte{'.'})
	mac.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// signingSecrets are the secrets that sign at time now: the current one,
// and the previous one until its grace period ends.
type signingSecrets struct {
	current, previous string
}

func secretsAt(current, previous string, previousUntil *time.Time, now time.Time) signingSecrets {
	s := signingSecrets{current: current}
	if previous != "" && previousUntil != nil && now.Before(*previousUntil) {
		s.previous = previous
	}
	return s
}

// signatureHeaders returns the signature headers of one attempt, signed
// at ts (Unix seconds) over exactly body. Secrets that cannot be decoded
// (never stored: they are checked on save) sign only the hex header.
func (s signingSecrets) headers(id string, ts int64, body []byte) [][2]string {
	out := make([][2]string, 0, 5)
	out = append(out, [2]string{HeaderID, id}, [2]string{HeaderTimestamp, strconv.FormatInt(ts, 10)})
	var sigs []string
	for _, secret := range []string{s.current, s.previous} {
		if key, err := secretKey(secret); err == nil {
			sigs = append(sigs, standardSignature(key, id, ts, body))
		}
	}
	if len(sigs) > 0 {
		out = append(out, [2]string{HeaderSignature, strings.Join(sigs, " ")})
	}
	out = append(out, [2]string{HeaderHexSignature, hexSignature(s.current, body)})
	if s.previous != "" {
		out = append(out, [2]string{HeaderPreviousHexSignature, hexSignature(s.previous, body)})
	}
	return out
}
