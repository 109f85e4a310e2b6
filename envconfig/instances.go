package envconfig

import (
	"fmt"
	"time"

	"github.com/hookflow/hookflow"
)

// minQueueLease is the shortest QUEUE_LEASE: leases are renewed every
// third of it, and a renewal must reach the database in time.
const minQueueLease = time.Second

// queueLeaseVar reads QUEUE_LEASE.
func queueLeaseVar(getenv func(string) string, c *hookflow.Config, fail func(string, error)) {
	durationVar(getenv, "QUEUE_LEASE", &c.QueueLease, fail)
	if c.QueueLease > 0 && c.QueueLease < minQueueLease {
		fail("QUEUE_LEASE", fmt.Errorf("at least %s (leases are renewed every third of it), got %s", minQueueLease, c.QueueLease))
	}
}
