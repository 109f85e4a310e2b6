package envconfig

import (
	"fmt"
	"strings"

	"github.com/hookflow/hookflow"
	"github.com/hookflow/hookflow/secrets"
)

// secretKeyVars reads SECRET_KEY and SECRET_KEY_PREVIOUS.
func secretKeyVars(getenv func(string) string, c *hookflow.Config, fail func(string, error)) {
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
