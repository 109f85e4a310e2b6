package secrets

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// MinKeyLength is the shortest SECRET_KEY accepted, in characters.
const MinKeyLength = 32

// sealedPrefix starts every sealed value: the format and its version.
const sealedPrefix = "hfenc:v1:"

// hkdfInfo binds derived keys to their use, so the same SECRET_KEY used
// elsewhere never yields this key.
const hkdfInfo = "hookflow credentials at rest v1"

// ErrUndecryptable means that no configured key opens a sealed value: it
// was sealed under a key that is neither SECRET_KEY (or the key file's)
// nor one of SECRET_KEY_PREVIOUS, or it was altered.
var ErrUndecryptable = errors.New("no configured key decrypts it (SECRET_KEY, SECRET_KEY_PREVIOUS or the key file)")

// Keyring seals values under the current key and opens values sealed
// under it or a previous one. It is safe for concurrent use.
type Keyring struct {
	keys []cipher.AEAD // the current key first, then the previous ones
}

// CheckKey explains what is wrong with a SECRET_KEY, or returns nil.
func CheckKey(key string) error {
	if n := len([]rune(key)); n < MinKeyLength {
		return fmt.Errorf("must be at least %d characters (it has %d)", MinKeyLength, n)
	}
	return nil
}

// NewKeyring derives the keys of a keyring from a current key and
// previous ones (each at least MinKeyLength characters).
func NewKeyring(current string, previous ...string) (*Keyring, error) {
	k := &Keyring{}
	for i, secret := range append([]string{current}, previous...) {
		if err := CheckKey(secret); err != nil {
			if i == 0 {
				return nil, fmt.Errorf("the key %w", err)
			}
			return nil, fmt.Errorf("previous key %d %w", i, err)
		}
		aead, err := deriveAEAD(secret)
		if err != nil {
			return nil, err
		}
		k.keys = append(k.keys, aead)
	}
	return k, nil
}

// NewEphemeralKeyring is a keyring whose key lives only in this process:
// for databases that do not outlive it (in memory).
func NewEphemeralKeyring() *Keyring {
	k, err := NewKeyring(newKeyText())
	if err != nil {
		panic(err) // a generated key always has the right length
	}
	return k
}

// deriveAEAD derives the AES-256-GCM key of a secret.
func deriveAEAD(secret string) (cipher.AEAD, error) {
	key, err := hkdf.Key(sha256.New, []byte(secret), nil, hkdfInfo, 32)
	if err != nil {
		return nil, fmt.Errorf("derive key: %w", err)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// Seal encrypts plaintext for a purpose (such as "webhooks.secret"), which
// is authenticated with it: a value sealed for one purpose does not open
// as another. The empty string stays empty: there is nothing to hide.
func (k *Keyring) Seal(purpose, plaintext string) string {
	if plaintext == "" {
		return ""
	}
	aead := k.keys[0]
	nonce := make([]byte, aead.NonceSize(), aead.NonceSize()+len(plaintext)+aead.Overhead())
	_, _ = rand.Read(nonce) // never fails (crypto/rand)
	sealed := aead.Seal(nonce, nonce, []byte(plaintext), []byte(purpose))
	return sealedPrefix + base64.RawStdEncoding.EncodeToString(sealed)
}

// Open returns the plaintext of a value Seal made for purpose. A value
// that is not sealed (stored before encryption) is returned as it is.
// current is false when the value should be sealed again: it is in clear,
// or sealed under a previous key. ErrUndecryptable when no key opens it.
func (k *Keyring) Open(purpose, value string) (plaintext string, current bool, err error) {
	if value == "" {
		return "", true, nil
	}
	encoded, sealed := strings.CutPrefix(value, sealedPrefix)
	if !sealed {
		return value, false, nil
	}
	raw, err := base64.RawStdEncoding.DecodeString(encoded)
	if err != nil {
		return "", false, ErrUndecryptable
	}
	for i, aead := range k.keys {
		if len(raw) < aead.NonceSize() {
			break
		}
		plain, err := aead.Open(nil, raw[:aead.NonceSize()], raw[aead.NonceSize():], []byte(purpose))
		if err == nil {
			return string(plain), i == 0, nil
		}
	}
	return "", false, ErrUndecryptable
}

// IsSealed reports whether a stored value is sealed.
func IsSealed(value string) bool { return strings.HasPrefix(value, sealedPrefix) }
