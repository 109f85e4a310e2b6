package envconfig

import (
	"strings"
	"testing"
	"time"

	"github.com/hookflow/hookflow"
	"github.com/hookflow/hookflow/storage"
)

func TestQueueLease(t *testing.T) {
	t.Parallel()
	c, err := Read(envFunc(map[string]string{"QUEUE_LEASE": "5s"}))
	if err != nil || c.QueueLease != 5*time.Second {
		t.Fatalf("%s %v", c.QueueLease, err)
	}
	if c := (hookflow.Config{}).WithDefaults(); c.QueueLease != storage.DefaultLease {
		t.Fatalf("default %s", c.QueueLease)
	}
	for _, bad := range []string{"500ms", "soon"} {
		_, err := Read(envFunc(map[string]string{"QUEUE_LEASE": bad}))
		if err == nil || !strings.Contains(err.Error(), "QUEUE_LEASE: ") {
			t.Errorf("%s: %v", bad, err)
		}
	}
}
