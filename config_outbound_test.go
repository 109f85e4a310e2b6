package hookflow_test

import (
	"strings"
	"testing"

	"github.com/hookflow/hookflow"
)

func envFunc(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func TestConfigFromEnvOutbound(t *testing.T) {
	t.Parallel()
	c, err := hookflow.ConfigFromEnv(envFunc(map[string]string{
		"OUTBOUND_ALLOW_CIDRS":      "127.0.0.0/8, 10.1.2.3",
		"OUTBOUND_ALLOW_PORTS":      "8080,8443",
		"REQUEST_MAX_RESPONSE_SIZE": "2mb",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Outbound.Allow) != 2 || c.Outbound.Allow[1].String() != "10.1.2.3/32" ||
		len(c.Outbound.AllowPorts) != 2 || c.Outbound.AnyPort || c.RequestMaxResponseSize != 2<<20 {
		t.Fatalf("got %+v, max response %d", c.Outbound, c.RequestMaxResponseSize)
	}
	c, err = hookflow.ConfigFromEnv(envFunc(map[string]string{"OUTBOUND_ALLOW_PORTS": "*"}))
	if err != nil || !c.Outbound.AnyPort {
		t.Fatalf("*: %+v %v", c.Outbound, err)
	}
	for name, value := range map[string]string{
		"OUTBOUND_ALLOW_CIDRS": "intranet", "OUTBOUND_ALLOW_PORTS": "http", "REQUEST_MAX_RESPONSE_SIZE": "lots",
	} {
		if _, err := hookflow.ConfigFromEnv(envFunc(map[string]string{name: value})); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s=%s: got %v", name, value, err)
		}
	}
}
