package ratelimit

import (
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// Decision is the outcome of one call and the state of its bucket.
type Decision struct {
	// Allowed is false when the call must be refused.
	Allowed bool
	// Limit is the rule's points.
	Limit int
	// Remaining is the number of calls that may follow at once.
	Remaining int
	// Reset is the time until the bucket is full again.
	Reset time.Duration
	// RetryAfter is the time until the next call may pass (refused calls).
	RetryAfter time.Duration
}

// WriteHeaders sets X-RateLimit-Limit, X-RateLimit-Remaining and
// X-RateLimit-Reset (seconds until the full limit is available again) and,
// for a refused call, Retry-After (seconds until a call may pass, at least
// 1). Later limits overwrite earlier ones: a flow's own limit is what its
// caller sees.
func (d Decision) WriteHeaders(h http.Header) {
	// The keys are written in their canonical form (what h.Set would
	// compute on every call): this runs for every limited request.
	// One array holds the values.
	v := [4]string{strconv.Itoa(d.Limit), strconv.Itoa(d.Remaining), strconv.FormatInt(ceilSeconds(d.Reset), 10)}
	if !d.Allowed {
		v[3] = strconv.FormatInt(max(1, ceilSeconds(d.RetryAfter)), 10)
	}
	vals := v[:]
	h[headerLimit], h[headerRemaining], h[headerReset] = vals[0:1:1], vals[1:2:2], vals[2:3:3]
	if !d.Allowed {
		h[headerRetryAfter] = vals[3:4:4]
	}
}

// The headers, as http.CanonicalHeaderKey spells them (clients compare
// header names without regard to case: X-RateLimit-Limit is the same).
const (
	headerLimit      = "X-Ratelimit-Limit"
	headerRemaining  = "X-Ratelimit-Remaining"
	headerReset      = "X-Ratelimit-Reset"
	headerRetryAfter = "Retry-After"
)

// ceilSeconds rounds up to whole seconds.
func ceilSeconds(d time.Duration) int64 {
	if d <= 0 {
		return 0
	}
	return int64((d + time.Second - 1) / time.Second)
}

// ExceededError is a call refused by a rate limit.
type ExceededError struct {
	Decision Decision
	// Scope says which limit refused: "global" or "flow".
	Scope string
	// Per is the rule's duration.
	Per time.Duration
}

// Error describes the limit.
func (e *ExceededError) Error() string {
	return fmt.Sprintf("Too many requests: the %s limit is %d per %s; retry in %d s.",
		e.Scope, e.Decision.Limit, e.Per, max(1, ceilSeconds(e.Decision.RetryAfter)))
}
