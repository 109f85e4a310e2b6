package api

import (
	"net/http"

	"github.com/hookflow/hookflow/access"
	"github.com/labstack/echo/v4"
)

// callerKey is where the authenticated caller is kept on the echo context.
const callerKey = "hookflow.caller"

// identify resolves the request's token (if any) to a caller. An
// unrecognised token yields an anonymous caller with TokenRejected set, so
// public flows can ignore it.
func (s *server) identify(c echo.Context) access.Caller {
	r := c.Request()
	caller := access.Caller{}
	if token, present := access.TokenFromRequest(r); present {
		if found, err := s.Access.Authenticate(r.Context(), token); err == nil {
			caller = found
		} else {
			caller.TokenRejected = true
		}
	}
	caller.IP = c.RealIP()
	caller.UserAgent = r.UserAgent()
	return caller
}

// requireAdmin guards the management API.
func (s *server) requireAdmin(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		caller := s.identify(c)
		switch {
		case caller.TokenRejected:
			return access.ErrInvalidToken
		case !caller.Authenticated():
			return &apiError{Status: http.StatusUnauthorized, Code: "UNAUTHORIZED",
				Message: "This endpoint needs a token: send Authorization: Bearer <token>."}
		case !caller.Admin:
			return &apiError{Status: http.StatusForbidden, Code: "FORBIDDEN",
				Message: "You do not have permission to access this endpoint."}
		}
		c.Set(callerKey, caller)
		return next(c)
	}
}
