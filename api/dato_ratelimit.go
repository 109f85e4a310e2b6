package api

import (
	"strconv"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
)

// The DatoCMS dialect answers with X-RateLimit-Limit and
// X-RateLimit-Remaining, as DatoCMS does, and enforces them: 60 requests
// per 3 seconds per caller (DatoCMS's documented API limit). The server-wide
// rate limiter of the access work may take this over.
const (
	datoRateLimit  = 60
	datoRateWindow = 3 * time.Second
)

// windowLimiter counts requests per key in fixed windows.
type windowLimiter struct {
	limit  int
	window time.Duration
	now    func() time.Time
	mu     sync.Mutex
	counts map[string]*windowCount
}

type windowCount struct {
	start time.Time
	n     int
}

func newWindowLimiter(limit int, window time.Duration, now func() time.Time) *windowLimiter {
	return &windowLimiter{limit: limit, window: window, now: now, counts: map[string]*windowCount{}}
}

// take counts one request of key and returns how many remain in the
// window, or when the window ends if none did.
func (l *windowLimiter) take(key string) (remaining int, retryAfter time.Duration) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	c := l.counts[key]
	if c == nil || now.Sub(c.start) >= l.window {
		if len(l.counts) > 10000 {
			clear(l.counts) // stale windows of callers long gone
		}
		c = &windowCount{start: now}
		l.counts[key] = c
	}
	if c.n >= l.limit {
		return 0, c.start.Add(l.window).Sub(now)
	}
	c.n++
	return l.limit - c.n, 0
}

// datoRateLimited applies the DatoCMS dialect's rate limit to a handler
// (it is also route middleware for /webhook_calls).
func (s *server) datoRateLimited(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		remaining, wait := s.datoLimits.take(callerOf(c).User)
		h := c.Response().Header()
		h.Set("X-RateLimit-Limit", strconv.Itoa(datoRateLimit))
		h.Set("X-RateLimit-Remaining", strconv.Itoa(remaining))
		if wait > 0 {
			return tooManyRequests(wait)
		}
		return next(c)
	}
}
