package envconfig

import (
	"strings"
	"testing"
	"time"

	"github.com/hookflow/hookflow"
)

func TestHTTPFromEnv(t *testing.T) {
	t.Parallel()
	read := func(env map[string]string) (hookflow.HTTPConfig, error) {
		c, err := Read(func(k string) string { return env[k] })
		return c.HTTPServer(), err
	}
	h, err := read(nil)
	if err != nil || h.ReadTimeout != time.Minute || h.WriteTimeout != 100*time.Second || h.MaxConnections != 0 {
		t.Fatalf("defaults: %+v %v", h, err)
	}
	// The default write timeout follows the read and sync timeouts.
	h, err = read(map[string]string{"HTTP_READ_TIMEOUT": "5s", "FLOWS_SYNC_TIMEOUT": "2m", "HTTP_MAX_CONNECTIONS": "50"})
	if err != nil || h.ReadTimeout != 5*time.Second || h.WriteTimeout != 135*time.Second || h.MaxConnections != 50 {
		t.Fatalf("%+v %v", h, err)
	}
	if h, err = read(map[string]string{"HTTP_WRITE_TIMEOUT": "31s"}); err != nil || h.WriteTimeout != 31*time.Second {
		t.Fatalf("%+v %v", h, err)
	}
	// A write timeout that a synchronous run could outlast is refused.
	for _, env := range []map[string]string{
		{"HTTP_WRITE_TIMEOUT": "30s"},
		{"HTTP_WRITE_TIMEOUT": "1m", "FLOWS_SYNC_TIMEOUT": "90s"},
	} {
		if _, err := read(env); err == nil || !strings.Contains(err.Error(), "HTTP_WRITE_TIMEOUT") ||
			!strings.Contains(err.Error(), "must exceed FLOWS_SYNC_TIMEOUT") {
			t.Errorf("%v: %v", env, err)
		}
	}
	_, err = read(map[string]string{"HTTP_READ_TIMEOUT": "soon", "HTTP_MAX_CONNECTIONS": "0"})
	for _, name := range []string{"HTTP_READ_TIMEOUT", "HTTP_MAX_CONNECTIONS"} {
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("error does not name %s: %v", name, err)
		}
	}
}
