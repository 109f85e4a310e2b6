package envconfig

import (
	"fmt"

	"github.com/hookflow/hookflow"
)

// httpFromEnv reads HTTP_READ_TIMEOUT, HTTP_WRITE_TIMEOUT and
// HTTP_MAX_CONNECTIONS; c.SyncTimeout is read already.
func httpFromEnv(getenv func(string) string, c *hookflow.Config, fail func(string, error)) {
	durationVar(getenv, "HTTP_READ_TIMEOUT", &c.HTTP.ReadTimeout, fail)
	durationVar(getenv, "HTTP_WRITE_TIMEOUT", &c.HTTP.WriteTimeout, fail)
	intVar(getenv, "HTTP_MAX_CONNECTIONS", &c.HTTP.MaxConnections, fail)
	if w := c.HTTP.WriteTimeout; w > 0 {
		if sync := (hookflow.Config{SyncTimeout: c.SyncTimeout}).WithDefaults().SyncTimeout; w <= sync {
			fail("HTTP_WRITE_TIMEOUT", fmt.Errorf("%s must exceed FLOWS_SYNC_TIMEOUT (%s), or synchronous runs could not answer", w, sync))
		}
	}
}
