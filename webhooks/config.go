package webhooks

import (
	"log/slog"
	"math/rand/v2"
	"net/http"
	"time"

	"github.com/hookflow/hookflow/events"
	"github.com/hookflow/hookflow/outbound"
)

// DefaultSchedule is the delay before each retry after a failed first
// attempt (which is made at once): 5 s, 5 min, 30 min, 2 h, 5 h, 10 h,
// 14 h, 20 h, 24 h, so ten attempts over about three days.
var DefaultSchedule = []time.Duration{
	5 * time.Second, 5 * time.Minute, 30 * time.Minute, 2 * time.Hour, 5 * time.Hour,
	10 * time.Hour, 14 * time.Hour, 20 * time.Hour, 24 * time.Hour,
}

// Config tunes delivery; every field has a working default.
type Config struct {
	// Client sends deliveries. It must not follow redirects and should
	// enforce the outbound policy (outbound.NewClient(policy, 0)).
	Client *http.Client
	// Policy is the outbound policy, used to refuse URLs whose address is
	// a literal the policy forbids when a subscription is saved (the
	// client still checks every connection).
	Policy outbound.Policy
	// Bus carries collection events in and system.alert events out
	// (emitted events reach the service through storage.StoreEvent).
	Bus    *events.Bus
	Logger *slog.Logger
	Clock  Clock
	// Random returns numbers in [0, 1) for retry jitter (rand.Float64).
	Random func() float64
	// Timeout bounds one attempt, connection to last body byte
	// (WEBHOOKS_TIMEOUT, 15 s).
	Timeout time.Duration
	// Schedule is the default retry schedule (WEBHOOKS_RETRY_SCHEDULE).
	Schedule []time.Duration
	// Jitter spreads each retry delay by up to ± this fraction (0.2; a
	// negative value turns jitter off).
	Jitter float64
	// MaxRetryAfter bounds how long a receiver's Retry-After can delay the
	// next attempt (24 h).
	MaxRetryAfter time.Duration
	// Concurrency is how many attempts one subscription may have in flight
	// (WEBHOOKS_CONCURRENCY, 8): a slow endpoint ties up at most this
	// many, never the others' share.
	Concurrency int
	// MaxInFlight bounds attempts in flight over all subscriptions
	// (WEBHOOKS_MAX_IN_FLIGHT, 256).
	MaxInFlight int
	// DisableAfter disables a subscription whose attempts have all failed
	// for this long (WEBHOOKS_DISABLE_AFTER, 5 days).
	DisableAfter time.Duration
	// Retention is how long finished deliveries and their attempts are
	// kept (WEBHOOKS_LOG_RETENTION, 30 days).
	Retention time.Duration
	// RotationGrace is how long a rotated secret keeps signing (24 h).
	RotationGrace time.Duration
	// UserAgent is sent with every delivery.
	UserAgent string
	// Observer hears of attempts and disabled subscriptions (metrics); nil
	// for none.
	Observer DeliveryObserver
	// Lease is how long this server's claim on a delivery, and on a
	// webhook's slots, holds without renewal on a database other servers
	// share (QUEUE_LEASE, 30 s): when a server dies, the others attempt
	// its deliveries once its leases have expired.
	Lease time.Duration
}

func (c Config) withDefaults() Config {
	if c.Client == nil {
		c.Client = outbound.NewClient(c.Policy, 0)
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.Clock == nil {
		c.Clock = SystemClock{}
	}
	if c.Random == nil {
		c.Random = rand.Float64
	}
	if c.Timeout <= 0 {
		c.Timeout = 15 * time.Second
	}
	if c.Schedule == nil {
		c.Schedule = DefaultSchedule
	}
	if c.Jitter < 0 || c.Jitter >= 1 {
		c.Jitter = 0
	} else if c.Jitter == 0 {
		c.Jitter = 0.2
	}
	if c.MaxRetryAfter <= 0 {
		c.MaxRetryAfter = 24 * time.Hour
	}
	if c.Concurrency <= 0 {
		c.Concurrency = 8
	}
	if c.MaxInFlight <= 0 {
		c.MaxInFlight = 256
	}
	if c.DisableAfter <= 0 {
		c.DisableAfter = 5 * 24 * time.Hour
	}
	if c.Retention <= 0 {
		c.Retention = 30 * 24 * time.Hour
	}
	if c.RotationGrace <= 0 {
		c.RotationGrace = 24 * time.Hour
	}
	if c.Lease <= 0 {
		c.Lease = 30 * time.Second
	}
	if c.UserAgent == "" {
		c.UserAgent = "hookflow-webhooks/1"
	}
	return c
}
