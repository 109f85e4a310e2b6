package api

import (
	"crypto/sha256"
	"crypto/subtle"

	"github.com/hookflow/hookflow/access"
	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metricsHandler serves the metrics in Prometheus's text format.
func (s *server) metricsHandler() echo.HandlerFunc {
	return echo.WrapHandler(promhttp.HandlerFor(s.Metrics.Registry(), promhttp.HandlerOpts{}))
}

// requireMetricsReader lets through admins and callers that send one of
// METRICS_TOKENS (compared in constant time, each of them: how long the
// check takes says nothing about which token came close).
func (s *server) requireMetricsReader(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if token, present := access.TokenFromRequest(c.Request()); present && s.isMetricsToken(token) {
			return next(c)
		}
		return s.requireAdmin(next)(c)
	}
}

// isMetricsToken reports whether token is one of METRICS_TOKENS. Hashes
// are compared, so that neither a token's length nor how much of it
// matched shows in the time taken.
func (s *server) isMetricsToken(token string) bool {
	sum := sha256.Sum256([]byte(token))
	found := 0
	for _, h := range s.metricsTokens {
		found |= subtle.ConstantTimeCompare(h[:], sum[:])
	}
	return found == 1
}

// hashTokens hashes the metrics tokens once, when the server is built.
func hashTokens(tokens []string) [][sha256.Size]byte {
	out := make([][sha256.Size]byte, 0, len(tokens))
	for _, t := range tokens {
		if t != "" {
			out = append(out, sha256.Sum256([]byte(t)))
		}
	}
	return out
}
