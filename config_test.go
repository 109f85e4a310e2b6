package hookflow

import (
	"strings"
	"testing"
	"time"
)

func TestConfigFromEnv(t *testing.T) {
	t.Parallel()
	env := map[string]string{
		"PORT": "9000", "DB_FILENAME": "/tmp/x.db", "FLOWS_ENV_ALLOW_LIST": "A, B,,C", "FLOWS_MAX_STEPS": "50",
		"FLOWS_SYNC_TIMEOUT": "2s", "FLOWS_RUN_TIMEOUT": "1500", "MAX_PAYLOAD_SIZE": "2mb", "LOG_FORMAT": "json",
		"FLOWS_TRIGGER_MAX_ITEMS": "20", "FLOWS_TRIGGER_MAX_RUNS": "300",
	}
	c, err := ConfigFromEnv(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if c.Port != 9000 || c.DBFilename != "/tmp/x.db" || strings.Join(c.EnvAllowList, ",") != "A,B,C" || c.MaxSteps != 50 ||
		c.SyncTimeout != 2*time.Second || c.RunTimeout != 1500*time.Millisecond || c.MaxPayloadSize != 2<<20 ||
		c.TriggerMaxItems != 20 || c.TriggerMaxRuns != 300 {
		t.Fatalf("%+v", c)
	}
	d := (Config{}).withDefaults()
	if d.Port != 8055 || d.DBFilename != "./data/hookflow.db" || d.MaxSteps != 1000 || d.SyncTimeout != 30*time.Second || d.MaxPayloadSize != 1<<20 ||
		d.TriggerMaxItems != 1000 || d.TriggerMaxRuns != 10000 {
		t.Fatalf("defaults: %+v", d)
	}
}

func TestConfigErrorsNameEveryVariable(t *testing.T) {
	t.Parallel()
	env := map[string]string{"PORT": "x", "FLOWS_MAX_STEPS": "-1", "MAX_PAYLOAD_SIZE": "lots", "DB_CLIENT": "oracle", "LOG_LEVEL": "chatty"}
	_, err := ConfigFromEnv(func(k string) string { return env[k] })
	if err == nil {
		t.Fatal("invalid configuration accepted")
	}
	for name := range env {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("error does not name %s: %v", name, err)
		}
	}
}
