package api

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/hookflow/hookflow/access"
	"github.com/hookflow/hookflow/engine"
	"github.com/hookflow/hookflow/flows"
	"github.com/hookflow/hookflow/operations"
	"github.com/hookflow/hookflow/query"
	"github.com/hookflow/hookflow/ratelimit"
	"github.com/hookflow/hookflow/storage"
	"github.com/hookflow/hookflow/triggers"
	"github.com/hookflow/hookflow/webhooks"
	"github.com/labstack/echo/v4"
)

// errorItem is one entry of the error envelope.
type errorItem struct {
	Message    string         `json:"message"`
	Extensions map[string]any `json:"extensions"`
}

// apiError is an error a handler raises itself (bad query parameters, an
// id conflict, …).
type apiError struct {
	Status  int
	Code    string
	Message string
	Extra   map[string]any
}

func (e *apiError) Error() string { return e.Message }

// badRequest is a 400 INVALID_PAYLOAD / INVALID_QUERY raised by a handler.
func badRequest(code, message string) error {
	return &apiError{Status: http.StatusBadRequest, Code: code, Message: message}
}

// invalidWebhookURL is a webhook the generic API refuses because of its
// URL (with any other findings): that API answers 422 for an invalid URL
// (docs/webhooks.md#generic-apiv1webhooks).
type invalidWebhookURL struct{ flows.ValidationErrors }

// Unwrap exposes the findings.
func (e invalidWebhookURL) Unwrap() error { return e.ValidationErrors }

// handleError is the one place where errors become statuses and envelopes.
func (s *server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	if errors.Is(err, context.Canceled) && c.Request().Context().Err() != nil {
		// The client went away: nobody reads an answer, and nothing failed.
		s.Logger.Info("client went away", "method", c.Request().Method, "path", c.Request().URL.Path)
		return
	}
	status, items := s.describe(err, c)
	var hidden *envHidden
	if errors.As(err, &hidden) {
		hidden.hideIn(items)
	}
	if status >= 500 && status != http.StatusGatewayTimeout && status != http.StatusBadGateway && !errors.Is(err, triggers.ErrQueueFull) {
		s.Logger.Error("request failed", "method", c.Request().Method, "path", c.Request().URL.Path,
			"status", status, "error", err)
	}
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(status)
		return
	}
	_ = writeJSON(c, status, map[string]any{"errors": items})
}

// describe maps an error to its status and envelope entries.
func (s *server) describe(err error, c echo.Context) (int, []errorItem) {
	one := func(status int, code, message string, extra map[string]any) (int, []errorItem) {
		ext := map[string]any{"code": code}
		for k, v := range extra {
			ext[k] = v
		}
		return status, []errorItem{{Message: message, Extensions: ext}}
	}
	var (
		badURL   invalidWebhookURL
		verrs    flows.ValidationErrors
		itemErr  *storage.ValidationError
		queryErr query.Errors
		apiErr   *apiError
		httpErr  *echo.HTTPError
		method   *triggers.MethodNotAllowedError
		payload  *triggers.PayloadError
		rejected *triggers.RejectedError
		opErr    *engine.OperationError
		exceeded *ratelimit.ExceededError
		full     *triggers.QueueFullError
	)
	switch {
	case errors.As(err, &badURL):
		items := make([]errorItem, len(badURL.ValidationErrors))
		for i, v := range badURL.ValidationErrors {
			code := "INVALID_PAYLOAD"
			if v.Path == "url" {
				code = "INVALID_URL"
			}
			items[i] = errorItem{Message: v.Error(), Extensions: map[string]any{"code": code, "path": v.Path}}
		}
		return http.StatusUnprocessableEntity, items
	case errors.As(err, &verrs):
		items := make([]errorItem, len(verrs))
		for i, v := range verrs {
			items[i] = errorItem{Message: v.Error(), Extensions: map[string]any{"code": "INVALID_PAYLOAD", "path": v.Path}}
		}
		return http.StatusBadRequest, items
	case errors.As(err, &apiErr):
		if apiErr.Status == http.StatusTooManyRequests {
			c.Response().Header().Set("Retry-After", fmt.Sprint(apiErr.Extra["retry_after"]))
		}
		return one(apiErr.Status, apiErr.Code, apiErr.Message, apiErr.Extra)
	case errors.Is(err, webhooks.ErrNotActive):
		return one(http.StatusConflict, "WEBHOOK_NOT_ACTIVE", err.Error(), nil)
	case errors.As(err, &itemErr):
		items := make([]errorItem, len(itemErr.Fields))
		for i, f := range itemErr.Fields {
			items[i] = errorItem{Message: validationMessage(f), Extensions: map[string]any{
				"code": "FAILED_VALIDATION", "collection": itemErr.Collection, "field": f.Field}}
		}
		return http.StatusBadRequest, items
	case errors.As(err, &queryErr):
		items := make([]errorItem, len(queryErr))
		for i, e := range queryErr {
			items[i] = errorItem{Message: "Invalid query: " + e.Error(), Extensions: map[string]any{"code": "INVALID_QUERY", "path": e.Path}}
		}
		return http.StatusBadRequest, items
	case errors.As(err, &exceeded):
		exceeded.Decision.WriteHeaders(c.Response().Header())
		return one(http.StatusTooManyRequests, "REQUESTS_EXCEEDED", exceeded.Error(), nil)
	case errors.As(err, &full):
		// Back-pressure, not a failure: the sender retries later.
		c.Response().Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(full.RetryAfter.Seconds()))))
		return one(http.StatusServiceUnavailable, "QUEUE_FULL", full.Error(), map[string]any{"limit": full.Limit})
	case errors.Is(err, storage.ErrInvalidPayload):
		return one(http.StatusBadRequest, "INVALID_PAYLOAD", err.Error(), nil)
	case errors.Is(err, access.ErrForbidden):
		return one(http.StatusForbidden, "FORBIDDEN", err.Error(), nil)
	case errors.Is(err, triggers.ErrFlowNotFound):
		return one(http.StatusNotFound, "ROUTE_NOT_FOUND", "Route "+c.Request().URL.Path+" doesn't exist.", nil)
	case errors.As(err, &method):
		c.Response().Header().Set(echo.HeaderAllow, method.Allow)
		return one(http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED", method.Error(), nil)
	case errors.Is(err, triggers.ErrRequestTimeout):
		c.Response().Header().Set("Connection", "close")
		return one(http.StatusRequestTimeout, "REQUEST_TIMEOUT", err.Error(), nil)
	case errors.Is(err, triggers.ErrPayloadTooLarge):
		return one(http.StatusRequestEntityTooLarge, "REQUEST_TOO_LARGE", "Request body is too large.", nil)
	case errors.As(err, &payload):
		return one(http.StatusBadRequest, "INVALID_PAYLOAD", payload.Error(), nil)
	case errors.Is(err, triggers.ErrUnauthorized):
		return one(http.StatusUnauthorized, "UNAUTHORIZED", err.Error(), nil)
	case errors.Is(err, access.ErrInvalidToken):
		return one(http.StatusUnauthorized, "INVALID_CREDENTIALS", "Invalid token.", nil)
	case errors.Is(err, triggers.ErrForbidden):
		return one(http.StatusForbidden, "FORBIDDEN", err.Error(), nil)
	case errors.As(err, &rejected):
		return one(http.StatusBadRequest, "FLOW_REJECTED", rejected.Error(), map[string]any{"data": rejected.Data})
	case errors.Is(err, engine.ErrMaxSteps):
		return one(http.StatusInternalServerError, "FLOW_MAX_STEPS", err.Error(), nil)
	case errors.Is(err, engine.ErrTimeout):
		return one(http.StatusGatewayTimeout, "FLOW_TIMEOUT", err.Error(), nil)
	case errors.As(err, &opErr):
		obj := engine.ErrorObject(err)
		code, _ := obj["code"].(string)
		delete(obj, "code")
		delete(obj, "message")
		return one(operationStatus(opErr.Err), code, opErr.Err.Error(), obj)
	case errors.Is(err, operations.ErrRenderTooLarge):
		// A run's return value (a step's own failure is an OperationError).
		return one(http.StatusRequestEntityTooLarge, "RENDER_TOO_LARGE", err.Error(), nil)
	case errors.Is(err, storage.ErrQueryTimeout):
		return one(http.StatusServiceUnavailable, "QUERY_TIMEOUT", err.Error(), nil)
	case errors.Is(err, storage.ErrNotFound):
		return one(http.StatusNotFound, "NOT_FOUND", specific(err, "The record does not exist."), nil)
	case errors.Is(err, storage.ErrConflict):
		return one(http.StatusConflict, "RECORD_NOT_UNIQUE", specific(err, "A record with this id already exists."), nil)
	case errors.As(err, &httpErr):
		return describeHTTPError(httpErr, c)
	default:
		return one(http.StatusInternalServerError, "INTERNAL_SERVER_ERROR", "An unexpected error occurred.", nil)
	}
}

// operationStatus is the status a failed operation maps to: its own for
// operations that set one (throw-error, validation 400, permission 403,
// upstream 502), else 500.
func operationStatus(err error) int {
	var e *operations.Error
	if errors.As(err, &e) && e.Status >= 400 && e.Status <= 599 {
		return e.Status
	}
	return http.StatusInternalServerError
}

// describeHTTPError maps echo's own errors (routing, body limit, binding).
func describeHTTPError(e *echo.HTTPError, c echo.Context) (int, []errorItem) {
	code := map[int]string{
		http.StatusNotFound:              "ROUTE_NOT_FOUND",
		http.StatusMethodNotAllowed:      "METHOD_NOT_ALLOWED",
		http.StatusRequestEntityTooLarge: "REQUEST_TOO_LARGE",
		http.StatusBadRequest:            "INVALID_PAYLOAD",
		http.StatusUnauthorized:          "UNAUTHORIZED",
		http.StatusForbidden:             "FORBIDDEN",
		http.StatusUnsupportedMediaType:  "UNSUPPORTED_MEDIA_TYPE",
	}[e.Code]
	if code == "" {
		code = strings.ToUpper(strings.ReplaceAll(http.StatusText(e.Code), " ", "_"))
	}
	msg := http.StatusText(e.Code)
	switch e.Code {
	case http.StatusNotFound:
		msg = "Route " + c.Request().URL.Path + " doesn't exist."
	case http.StatusMethodNotAllowed:
		msg = "Method " + c.Request().Method + " is not allowed on " + c.Request().URL.Path + "."
	default:
		if m, ok := e.Message.(string); ok && m != "" {
			msg = m
		}
	}
	return e.Code, []errorItem{{Message: msg, Extensions: map[string]any{"code": code}}}
}

// specific is a wrapped sentinel's own message ("item 5 of orders: not
// found"), or the generic one for the bare sentinel.
func specific(err error, generic string) string {
	if err == storage.ErrNotFound || err == storage.ErrConflict {
		return generic
	}
	return err.Error()
}

// validationMessage is one failing field of an item write.
func validationMessage(f storage.FieldError) string {
	if f.Field == "" {
		return "Validation failed: " + f.Message
	}
	return "Validation failed for field \"" + f.Field + "\": " + f.Message
}

// errorsIsNotFound reports whether err is the store's not-found.
func errorsIsNotFound(err error) bool { return errors.Is(err, storage.ErrNotFound) }
