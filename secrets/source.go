package secrets

import (
	"errors"
	"fmt"
	"io/fs"
)

// KeySource says where the key of the credentials at rest comes from. It
// is the one place that decides; its fields are the configuration.
type KeySource struct {
	// SecretKey is SECRET_KEY; "" when unset.
	SecretKey string
	// Previous are the keys of SECRET_KEY_PREVIOUS, which open values
	// sealed before a rotation.
	Previous []string
	// KeyFile is where a generated key is kept while SecretKey is unset
	// (KeyFileName beside the database); "" means that the database does
	// not outlive the process (in memory): a key of this process is used.
	KeyFile string
	// RequireSecretKey refuses to start without SecretKey: set it when
	// several processes share the database, which would each generate a
	// key of their own.
	RequireSecretKey bool
}

// Origin says where a keyring's current key came from.
type Origin string

// The origins of a keyring's key.
const (
	FromSecretKey   Origin = "SECRET_KEY"
	FromKeyFile     Origin = "key file"
	FromNewKeyFile  Origin = "new key file"
	FromThisProcess Origin = "this process"
)

// Keyring builds the keyring. With SECRET_KEY, a key file left from the
// time it was unset joins the previous keys, so that moving to SECRET_KEY
// needs no other step. Without it, the key file's key is used, generated
// on the first start; without a key file, a key of this process.
func (src KeySource) Keyring() (*Keyring, Origin, error) {
	if src.SecretKey == "" && src.RequireSecretKey {
		return nil, "", errors.New("SECRET_KEY is required: every process sharing the database must use the same key")
	}
	if src.SecretKey != "" {
		if err := CheckKey(src.SecretKey); err != nil {
			return nil, "", fmt.Errorf("SECRET_KEY %w", err)
		}
		previous := src.Previous
		if src.KeyFile != "" {
			fileKey, err := readKeyFile(src.KeyFile)
			switch {
			case err == nil && fileKey != src.SecretKey:
				previous = append(previous[:len(previous):len(previous)], fileKey)
			case err != nil && !errors.Is(err, fs.ErrNotExist):
				return nil, "", err
			}
		}
		k, err := NewKeyring(src.SecretKey, previous...)
		if err != nil {
			return nil, "", fmt.Errorf("SECRET_KEY_PREVIOUS: %w", err)
		}
		return k, FromSecretKey, nil
	}
	if src.KeyFile == "" {
		if len(src.Previous) > 0 {
			return nil, "", errors.New("SECRET_KEY_PREVIOUS is set without SECRET_KEY")
		}
		return NewEphemeralKeyring(), FromThisProcess, nil
	}
	key, created, err := loadOrCreateKeyFile(src.KeyFile)
	if err != nil {
		return nil, "", err
	}
	k, err := NewKeyring(key, src.Previous...)
	if err != nil {
		return nil, "", fmt.Errorf("SECRET_KEY_PREVIOUS: %w", err)
	}
	if created {
		return k, FromNewKeyFile, nil
	}
	return k, FromKeyFile, nil
}
