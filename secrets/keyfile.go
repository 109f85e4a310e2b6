package secrets

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// KeyFileName is the file beside the database that keeps a generated key.
const KeyFileName = "hookflow.key"

// newKeyText is a generated key: 32 random bytes in hex, a SECRET_KEY
// like any other (it can be moved into SECRET_KEY as it is).
func newKeyText() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return hex.EncodeToString(b)
}

// readKeyFile reads the key kept in path; fs.ErrNotExist when there is
// none.
func readKeyFile(path string) (string, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	key := strings.TrimSpace(string(raw))
	if err := CheckKey(key); err != nil {
		return "", fmt.Errorf("key file %s: the key %w", path, err)
	}
	return key, nil
}

// loadOrCreateKeyFile reads the key kept in path, or generates one and
// keeps it there, readable by this user only (0600). created says which.
func loadOrCreateKeyFile(path string) (key string, created bool, err error) {
	key, err = readKeyFile(path)
	if !errors.Is(err, fs.ErrNotExist) {
		return key, false, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return "", false, fmt.Errorf("create the key file's directory: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		key, err = readKeyFile(path) // created by another process meanwhile
		return key, false, err
	}
	if err != nil {
		return "", false, fmt.Errorf("create key file: %w", err)
	}
	key = newKeyText()
	_, err = f.WriteString(key + "\n")
	if err == nil {
		err = f.Sync()
	}
	if closeErr := f.Close(); err == nil {
		err = closeErr
	}
	if err != nil {
		_ = os.Remove(path)
		return "", false, fmt.Errorf("write key file %s: %w", path, err)
	}
	return key, true, nil
}
