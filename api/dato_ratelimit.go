package api

import (
	"time"

	"github.com/hookflow/hookflow/ratelimit"
	"github.com/labstack/echo/v4"
)

// datoRule is the DatoCMS dialect's rate limit: 60 requests per 3 seconds
// per caller (DatoCMS's documented API limit), answered with
// X-RateLimit-Limit and X-RateLimit-Remaining as DatoCMS does.
var datoRule = ratelimit.Rule{Points: 60, Duration: 3 * time.Second}

// datoRateLimited applies the DatoCMS dialect's rate limit to a handler
// (it is also route middleware for /webhook_calls).
func (s *server) datoRateLimited(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		d, err := s.datoLimits.Allow(c.Request().Context(), callerOf(c).User, datoRule, "dato")
		d.WriteHeaders(c.Response().Header())
		if err != nil {
			return err
		}
		return next(c)
	}
}
