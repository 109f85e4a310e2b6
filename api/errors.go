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
		s.Logger.Debug("client went away", "method", c.Request().Method, "path", c.Request().URL.Path)
		return
	}
	status, items := s.describe(err, c)
	var (
		hidden   *envHidden
		filtered *triggers.FilterError
	)
	switch {
	case errors.As(err, &hidden):
		hidden.hideIn(items)
	case errors.As(err, &filtered) && s.Webhook != nil:
		// A filter flow's failure ends an item write as a run's failure
		// ends a webhook call: `$env` values are hidden the same way.
		(&envHidden{error: err, hide: s.Webhook.HideEnv}).hideIn(items)
	}
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(status)
		return
	}
	_ = writeJSON(c, status, map[string]any{"errors": items})
}

// sentinel is how a plain sentinel error answers.
type sentinel struct {
	err    error
	status int
	code   string
	// message replaces the error's own text; with onlyBare, only for the
	// bare sentinel, since a wrapped one ("item 5 of orders: not found")
	// says more.
	message  string
	onlyBare bool
}

// sentinels are the plain sentinel errors, tested in this order after the
// structured errors and a run's failure (describe).
var sentinels = []sentinel{
	{err: webhooks.ErrNotActive, status: http.StatusConflict, code: "WEBHOOK_NOT_ACTIVE"},
	{err: triggers.ErrFlowInactive, status: http.StatusConflict, code: "FLOW_INACTIVE", message: "The flow is inactive: activate it to replay its runs."},
	{err: storage.ErrInvalidPayload, status: http.StatusBadRequest, code: "INVALID_PAYLOAD"},
	{err: access.ErrForbidden, status: http.StatusForbidden, code: "FORBIDDEN"},
	{err: triggers.ErrPayloadTooLarge, status: http.StatusRequestEntityTooLarge, code: "REQUEST_TOO_LARGE", message: "Request body is too large."},
	{err: triggers.ErrUnauthorized, status: http.StatusUnauthorized, code: "UNAUTHORIZED"},
	{err: access.ErrInvalidToken, status: http.StatusUnauthorized, code: "INVALID_CREDENTIALS", message: "Invalid token."},
	{err: triggers.ErrForbidden, status: http.StatusForbidden, code: "FORBIDDEN"},
	{err: storage.ErrQueryTimeout, status: http.StatusServiceUnavailable, code: "QUERY_TIMEOUT"},
	{err: storage.ErrNotFound, status: http.StatusNotFound, code: "NOT_FOUND", message: "The record does not exist.", onlyBare: true},
	{err: storage.ErrConflict, status: http.StatusConflict, code: "RECORD_NOT_UNIQUE", message: "A record with this id already exists.", onlyBare: true},
}

// answer is the sentinel's envelope for err.
func (sn sentinel) answer(err error) (int, []errorItem) {
	message := sn.message
	if message == "" || sn.onlyBare && err != sn.err {
		message = err.Error()
	}
	return one(sn.status, sn.code, message, nil)
}

// describe maps an error to its status and envelope entries: structured
// errors first (they carry their own details), then a run's failure
// (engine.DescribeFailure, the one classifier of run failures), then the
// plain sentinels.
func (s *server) describe(err error, c echo.Context) (int, []errorItem) {
	if status, items, ok := describeStructured(err, c); ok {
		return status, items
	}
	if errors.Is(err, triggers.ErrFlowNotFound) {
		return one(http.StatusNotFound, "ROUTE_NOT_FOUND", "Route "+c.Request().URL.Path+" doesn't exist.", nil)
	}
	if f, ok := engine.DescribeFailure(err); ok {
		var extra map[string]any
		if f.Operation != "" {
			extra = map[string]any{"operation": f.Operation, "type": f.Type}
		}
		return one(f.Status, f.Code, f.Message, extra)
	}
	for _, sn := range sentinels {
		if errors.Is(err, sn.err) {
			return sn.answer(err)
		}
	}
	var httpErr *echo.HTTPError
	if errors.As(err, &httpErr) {
		return describeHTTPError(httpErr, c)
	}
	return one(http.StatusInternalServerError, "INTERNAL_SERVER_ERROR", "An unexpected error occurred.", nil)
}

// one is a single-entry envelope.
func one(status int, code, message string, extra map[string]any) (int, []errorItem) {
	ext := map[string]any{"code": code}
	for k, v := range extra {
		ext[k] = v
	}
	return status, []errorItem{{Message: message, Extensions: ext}}
}

// describeFindings answers the errors that list findings, one item
// each with its path: an invalid flow or webhook URL, an item that fails
// its collection's schema, an invalid query.
func describeFindings(err error) (int, []errorItem, bool) {
	var (
		badURL   invalidWebhookURL
		verrs    flows.ValidationErrors
		itemErr  *storage.ValidationError
		queryErr query.Errors
	)
	switch {
	case errors.As(err, &badURL):
		return http.StatusUnprocessableEntity, findingItems(badURL.ValidationErrors, "INVALID_URL"), true
	case errors.As(err, &verrs):
		return http.StatusBadRequest, findingItems(verrs, ""), true
	case errors.As(err, &itemErr):
		return http.StatusBadRequest, fieldItems(itemErr), true
	case errors.As(err, &queryErr):
		items := make([]errorItem, len(queryErr))
		for i, e := range queryErr {
			items[i] = errorItem{
				Message:    "Invalid query: " + e.Error(),
				Extensions: map[string]any{"code": "INVALID_QUERY", "path": e.Path},
			}
		}
		return http.StatusBadRequest, items, true
	}
	return 0, nil, false
}

// describeStructured maps the errors that carry their own details or
// headers: lists of findings, a handler's own apiError, rate limits, a
// full queue, wrong methods, requests that time out, bad bodies, a
// rejected run.
func describeStructured(err error, c echo.Context) (int, []errorItem, bool) {
	if status, items, ok := describeFindings(err); ok {
		return status, items, true
	}
	var (
		apiErr   *apiError
		method   *triggers.MethodNotAllowedError
		payload  *triggers.PayloadError
		rejected *triggers.RejectedError
		exceeded *ratelimit.ExceededError
		full     *triggers.QueueFullError
		taken    *triggers.IDConflictError
		ambig    *triggers.AmbiguousOperationError
		tooLarge *triggers.ReplayTooLargeError
		filtered *triggers.FilterError
	)
	switch {
	case errors.As(err, &apiErr):
		if apiErr.Status == http.StatusTooManyRequests {
			c.Response().Header().Set("Retry-After", fmt.Sprint(apiErr.Extra["retry_after"]))
		}
		status, items := one(apiErr.Status, apiErr.Code, apiErr.Message, apiErr.Extra)
		return status, items, true
	case errors.As(err, &taken):
		var extra map[string]any
		if taken.Path != "" {
			extra = map[string]any{"path": taken.Path}
		}
		status, items := one(http.StatusConflict, "RECORD_NOT_UNIQUE", taken.Message, extra)
		return status, items, true
	case errors.As(err, &ambig):
		status, items := one(http.StatusConflict, "AMBIGUOUS_ID", ambig.Error(), nil)
		return status, items, true
	case errors.As(err, &exceeded):
		exceeded.Decision.WriteHeaders(c.Response().Header())
		status, items := one(http.StatusTooManyRequests, "REQUESTS_EXCEEDED", exceeded.Error(), nil)
		return status, items, true
	case errors.As(err, &full):
		// Back-pressure, not a failure: the sender retries later.
		c.Response().Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(full.RetryAfter.Seconds()))))
		status, items := one(http.StatusServiceUnavailable, "QUEUE_FULL", full.Error(), map[string]any{"limit": full.Limit})
		return status, items, true
	case errors.As(err, &tooLarge):
		status, items := one(http.StatusBadRequest, "REPLAY_TOO_LARGE", tooLarge.Error(),
			map[string]any{"matched": tooLarge.Matched, "limit": tooLarge.Limit})
		return status, items, true
	case errors.As(err, &method):
		c.Response().Header().Set(echo.HeaderAllow, method.Allow)
		status, items := one(http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED", method.Error(), nil)
		return status, items, true
	case errors.Is(err, triggers.ErrRequestTimeout):
		// The rest of the request never came: the connection is closed.
		c.Response().Header().Set("Connection", "close")
		status, items := one(http.StatusRequestTimeout, "REQUEST_TIMEOUT", err.Error(), nil)
		return status, items, true
	case errors.As(err, &payload):
		status, items := one(http.StatusBadRequest, "INVALID_PAYLOAD", payload.Error(), nil)
		return status, items, true
	case errors.As(err, &rejected):
		status, items := one(http.StatusBadRequest, "FLOW_REJECTED", rejected.Error(), map[string]any{"data": rejected.Data})
		return status, items, true
	case errors.As(err, &filtered):
		// A filter flow refused an item write: its run's failure, or why
		// it could not run (FilterError carries the status and code).
		f, _ := engine.DescribeFailure(err)
		var extra map[string]any
		if f.Operation != "" {
			extra = map[string]any{"operation": f.Operation, "type": f.Type}
		}
		status, items := one(f.Status, f.Code, f.Message, extra)
		return status, items, true
	}
	return 0, nil, false
}

// findingItems is one entry per validation finding, with its path; the
// finding at path "url" gets urlCode when it is set.
func findingItems(findings flows.ValidationErrors, urlCode string) []errorItem {
	items := make([]errorItem, len(findings))
	for i, v := range findings {
		code := "INVALID_PAYLOAD"
		if urlCode != "" && v.Path == "url" {
			code = urlCode
		}
		items[i] = errorItem{Message: v.Error(), Extensions: map[string]any{"code": code, "path": v.Path}}
	}
	return items
}

// fieldItems is one entry per failing field of an item write.
func fieldItems(e *storage.ValidationError) []errorItem {
	items := make([]errorItem, len(e.Fields))
	for i, f := range e.Fields {
		items[i] = errorItem{Message: validationMessage(f), Extensions: map[string]any{
			"code":       "FAILED_VALIDATION",
			"collection": e.Collection,
			"field":      f.Field,
		}}
	}
	return items
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

// validationMessage is one failing field of an item write.
func validationMessage(f storage.FieldError) string {
	if f.Field == "" {
		return "Validation failed: " + f.Message
	}
	return "Validation failed for field \"" + f.Field + "\": " + f.Message
}

// errorsIsNotFound reports whether err is the store's not-found.
func errorsIsNotFound(err error) bool { return errors.Is(err, storage.ErrNotFound) }
