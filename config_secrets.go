package hookflow

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/hookflow/hookflow/secrets"
	"github.com/hookflow/hookflow/storage"
)

// secretKeyVars reads SECRET_KEY and SECRET_KEY_PREVIOUS.
func secretKeyVars(getenv func(string) string, c *Config, fail func(string, error)) {
	if c.SecretKey = getenv("SECRET_KEY"); c.SecretKey != "" {
		if err := secrets.CheckKey(c.SecretKey); err != nil {
			fail("SECRET_KEY", err)
		}
	}
	for i, key := range strings.Split(getenv("SECRET_KEY_PREVIOUS"), ",") {
		if key = strings.TrimSpace(key); key == "" {
			continue
		}
		if err := secrets.CheckKey(key); err != nil {
			fail("SECRET_KEY_PREVIOUS", fmt.Errorf("key %d %w", i+1, err))
		}
		c.SecretKeyPrevious = append(c.SecretKeyPrevious, key)
	}
}

// keySource says where the key of the credentials at rest comes from:
// SECRET_KEY, or a key generated on the first start and kept in
// secrets.KeyFileName beside the SQLite file (readable by this user only),
// or for an in-memory database a key of this process. On PostgreSQL
// SECRET_KEY is required.
func (c Config) keySource() secrets.KeySource {
	src := secrets.KeySource{
		SecretKey: c.SecretKey,
		Previous:  c.SecretKeyPrevious,
		// A key file beside one server cannot serve the others sharing a
		// PostgreSQL database.
		RequireSecretKey: c.DBClient == storage.DialectPostgres,
	}
	if c.DBFilename != storage.MemoryFilename {
		src.KeyFile = filepath.Join(filepath.Dir(c.DBFilename), secrets.KeyFileName)
	}
	return src
}

// openKeys builds the keys of the credentials at rest (Config.keySource).
func openKeys(cfg Config) (*secrets.Keyring, error) {
	src := cfg.keySource()
	keys, origin, err := src.Keyring()
	if err != nil {
		if src.RequireSecretKey && src.SecretKey == "" {
			return nil, fmt.Errorf("DB_CLIENT=postgres: %w (set it to the same value of at least %d characters on every server)",
				err, secrets.MinKeyLength)
		}
		return nil, err
	}
	switch origin {
	case secrets.FromNewKeyFile:
		cfg.Logger.Warn("generated the key that encrypts webhook credentials; keep it (and out of database backups), or set SECRET_KEY",
			"file", src.KeyFile)
	case secrets.FromThisProcess:
		cfg.Logger.Debug("webhook credentials of the in-memory database are encrypted with a key of this process")
	}
	return keys, nil
}
