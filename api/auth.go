package api

import (
	"errors"
	"net/http"

	"github.com/hookflow/hookflow/access"
	"github.com/labstack/echo/v4"
)

// callerKey is where the authenticated caller is kept on the echo context.
const callerKey = "hookflow.caller"

// identify resolves the request's token (if any) to a caller. An
// unrecognised token yields an anonymous caller with TokenRejected set, so
// public flows can ignore it; only a failure to look the token up is an
// error.
//
// Our tokens are then taken out of the request (access.RemoveTokens): a
// flow never sees them in $trigger.headers or $trigger.query (nor forwards
// them upstream or returns them), and the GET cache, which keys on the
// query and the caller's role, never hands one caller's token to another.
func (s *server) identify(c echo.Context) (access.Caller, error) {
	r := c.Request()
	caller := access.Caller{}
	token, present := access.TokenFromRequest(r)
	if present {
		found, err := s.Access.Authenticate(r.Context(), token)
		switch {
		case err == nil:
			caller = found
		case errors.Is(err, access.ErrInvalidToken):
			caller.TokenRejected = true
		default:
			return caller, err
		}
	}
	access.RemoveTokens(r, func(t string) bool {
		if t == token {
			return caller.Authenticated()
		}
		// A repeated Authorization header: a value that cannot be checked
		// is taken out too.
		_, err := s.Access.Authenticate(r.Context(), t)
		return !errors.Is(err, access.ErrInvalidToken)
	})
	caller.IP = c.RealIP()
	caller.UserAgent = r.UserAgent()
	return caller, nil
}

// errUnauthorized answers a request without a token where one is needed.
var errUnauthorized = &apiError{
	Status: http.StatusUnauthorized, Code: "UNAUTHORIZED",
	Message: "This endpoint needs a token: send Authorization: Bearer <token>.",
}

// errForbidden answers a caller whose role lacks the permission.
var errForbidden = &apiError{
	Status: http.StatusForbidden, Code: "FORBIDDEN",
	Message: "You do not have permission to access this endpoint.",
}

// guard identifies the caller and lets the request through when allowed
// says so: an unrecognised token is 401 INVALID_CREDENTIALS, a refused
// anonymous caller 401 UNAUTHORIZED, a refused authenticated one 403
// FORBIDDEN.
func (s *server) guard(allowed func(c echo.Context, caller access.Caller) bool) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			caller, err := s.identify(c)
			if err != nil {
				return err
			}
			if caller.TokenRejected {
				return access.ErrInvalidToken
			}
			if !allowed(c, caller) {
				if !caller.Authenticated() {
					return errUnauthorized
				}
				return errForbidden
			}
			c.Set(callerKey, caller)
			return next(c)
		}
	}
}

// require lets through callers whose role may perform action on a system
// collection (the public role's permissions count for anonymous callers).
func (s *server) require(collection, action string) echo.MiddlewareFunc {
	return s.guard(func(_ echo.Context, caller access.Caller) bool {
		return s.Access.Allows(caller, collection, action, "")
	})
}

// requireEvery lets through callers whose role may perform every action
// on a system collection.
func (s *server) requireEvery(collection string, actions ...string) echo.MiddlewareFunc {
	return s.guard(func(_ echo.Context, caller access.Caller) bool {
		for _, action := range actions {
			if !s.Access.Allows(caller, collection, action, "") {
				return false
			}
		}
		return true
	})
}

// requireItems lets through callers whose role may perform action on the
// items of the collection in the URL.
func (s *server) requireItems(action string) echo.MiddlewareFunc {
	return s.guard(func(c echo.Context, caller access.Caller) bool {
		return s.Access.Allows(caller, c.Param("collection"), action, "")
	})
}

// requireAdmin guards what only admins may do: users, roles, permissions.
func (s *server) requireAdmin(next echo.HandlerFunc) echo.HandlerFunc {
	return s.guard(func(_ echo.Context, caller access.Caller) bool { return caller.Admin })(next)
}

// requireUser lets through any valid token.
func (s *server) requireUser(next echo.HandlerFunc) echo.HandlerFunc {
	return s.guard(func(_ echo.Context, caller access.Caller) bool { return caller.Authenticated() })(next)
}
