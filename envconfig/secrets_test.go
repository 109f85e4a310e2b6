package envconfig

import (
	"strings"
	"testing"
)

func TestSecretKeyVariables(t *testing.T) {
	t.Parallel()
	long, older := strings.Repeat("k", 32), strings.Repeat("o", 40)
	c, err := Read(envFunc(map[string]string{"SECRET_KEY": long, "SECRET_KEY_PREVIOUS": " " + older + " ,, " + long}))
	if err != nil || c.SecretKey != long || len(c.SecretKeyPrevious) != 2 || c.SecretKeyPrevious[0] != older {
		t.Fatalf("%q %q %v", c.SecretKey, c.SecretKeyPrevious, err)
	}
	for name, env := range map[string]map[string]string{
		"SECRET_KEY":          {"SECRET_KEY": strings.Repeat("k", 31)},
		"SECRET_KEY_PREVIOUS": {"SECRET_KEY": long, "SECRET_KEY_PREVIOUS": older + ",short"},
	} {
		_, err := Read(envFunc(env))
		if err == nil || !strings.Contains(err.Error(), name+": ") || !strings.Contains(err.Error(), "at least 32 characters") {
			t.Errorf("%s: %v", name, err)
		}
	}
}
