package api

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/hookflow/hookflow/engine"
	"github.com/hookflow/hookflow/triggers"
	"github.com/labstack/echo/v4"
)

// observeRequests names every request (X-Request-Id on every answer),
// answers errors itself so that the status is known here and to the
// metrics middleware around it, and logs the request: at error when the
// answer is a 5xx, at debug otherwise, never at info — the default level
// pays for one level check.
//
// A full queue's 503 is back-pressure, not a fault: it is logged at debug
// here, and the queue warns of refusals itself (a few lines however many
// there are).
func (s *server) observeRequests(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		started := time.Now()
		req := c.Request()
		var sent string
		if v := req.Header[requestIDHeader]; len(v) > 0 {
			sent = v[0]
		}
		id := s.requestIDs.of(sent)
		h := c.Response().Header()
		h[requestIDHeader] = []string{id}
		err := next(c)
		if err != nil {
			c.Error(err)
		}
		status := c.Response().Status
		level := slog.LevelDebug
		if status >= http.StatusInternalServerError && !errors.Is(err, triggers.ErrQueueFull) {
			level = slog.LevelError
		}
		ctx := context.Background()
		if !s.Logger.Enabled(ctx, level) {
			return nil
		}
		attrs := make([]slog.Attr, 0, 10)
		attrs = append(attrs,
			slog.String("method", req.Method),
			slog.String("route", routeOf(c)),
			slog.String("path", req.URL.Path),
			slog.Int("status", status),
			slog.Float64("duration_ms", float64(time.Since(started).Microseconds())/1000),
			slog.Int64("bytes", c.Response().Size),
			slog.String("request_id", id),
		)
		if v := h[triggers.RunIDHeader]; len(v) > 0 {
			attrs = append(attrs, slog.String("run_id", v[0]))
		}
		if level == slog.LevelError && err != nil {
			attrs = append(attrs, errorAttr(err))
		}
		s.Logger.LogAttrs(ctx, level, "request", attrs...)
		return nil
	}
}

// routeOf is the route pattern a request matched ("/flows/trigger/:id"),
// or "unmatched": a bounded value, unlike the path.
func routeOf(c echo.Context) string {
	if p := c.Path(); p != "" {
		return p
	}
	return "unmatched"
}

// errorAttr describes a failed request's error for the log. A run's
// failure is described by its code only: its message is built from the
// run's data and is logged with the run (at warn, scrubbed as its record
// is), which the request line names by run_id.
func errorAttr(err error) slog.Attr {
	var hidden *envHidden
	if errors.As(err, &hidden) {
		f, _ := engine.DescribeFailure(err)
		return slog.String("error_code", f.Code)
	}
	return slog.String("error", err.Error())
}
