package api

import (
	"github.com/labstack/echo/v4"
)

// globalRateLimit counts every request per client address against the
// server-wide limit (RATE_LIMITER_*), with the X-RateLimit-* headers on
// every answer. A flow's own limit, checked later, overwrites the headers.
func (s *server) globalRateLimit(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		d, err := s.RateLimiter.Allow(c.Request().Context(), c.RealIP(), s.RateLimit, "global")
		d.WriteHeaders(c.Response().Header())
		if err != nil {
			return err
		}
		return next(c)
	}
}
