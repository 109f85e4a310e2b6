package api

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/hookflow/hookflow/flows"
	"github.com/hookflow/hookflow/storage"
	"github.com/hookflow/hookflow/webhooks"
	"github.com/labstack/echo/v4"
)

// The generic dialect, /api/v1/webhooks: ids "wh_…", page and limit
// pagination with meta, PUT updates, {"success": true} on delete, a
// synchronous test endpoint, 422 for an invalid URL
// (docs/webhooks.md#generic-apiv1webhooks).

// genericTime formats a timestamp as the generic API does (seconds, UTC).
func genericTime(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UTC().Format(time.RFC3339)
}

// genericWebhook is a subscription in the generic API's shape, plus the model's
// other settings.
func genericWebhook(sub *storage.Subscription, fullSecret bool) map[string]any {
	headers := make(map[string]string, len(sub.Headers))
	for _, h := range webhooks.ShownHeaders(sub) {
		headers[h.Name] = h.Value
	}
	return map[string]any{
		"id": webhooks.GenericID(sub.ID), "name": nameOf(sub), "url": sub.URL, "method": sub.Method,
		"events": listOrEmpty(sub.Events), "status": sub.Status, "description": sub.Description,
		"headers": headers, "created_at": genericTime(&sub.CreatedAt), "updated_at": genericTime(sub.UpdatedAt),
		"last_triggered": genericTime(sub.LastTriggered), "secret": secretOf(sub, fullSecret),
	}
}

// genericError turns a refusal that concerns the URL into the generic API's 422.
func genericError(errs flows.ValidationErrors) error {
	for _, e := range errs {
		if e.Path == "url" {
			return invalidWebhookURL{errs}
		}
	}
	return errs
}

// genericList serves GET /api/v1/webhooks: ?page= (from 1), ?limit=
// (default 20, at most 100), ?status= (active, inactive or disabled; any
// other value is 400), ?event= (webhooks that would receive that event).
func (s *server) genericList(c echo.Context) error {
	limit, err := intParam(c, "limit", 20, 100)
	if err != nil {
		return err
	}
	page, err := intParam(c, "page", 1, 0)
	if err != nil {
		return err
	}
	if limit < 1 {
		limit = 20
	}
	page = max(page, 1)
	subs, err := s.Webhooks.List(c.Request().Context())
	if err != nil {
		return err
	}
	status, event := c.QueryParam("status"), c.QueryParam("event")
	switch status {
	case "", webhooks.StatusActive, webhooks.StatusInactive, webhooks.StatusDisabled:
	default:
		return badRequest("INVALID_QUERY", fmt.Sprintf("status must be %s, %s or %s", webhooks.StatusActive, webhooks.StatusInactive, webhooks.StatusDisabled))
	}
	kept := make([]map[string]any, 0, len(subs))
	for _, sub := range subs {
		if (status == "" || sub.Status == status) && (event == "" || s.Webhooks.Listens(sub, event)) {
			kept = append(kept, genericWebhook(sub, false))
		}
	}
	total := len(kept)
	start := min((page-1)*limit, total)
	data := kept[start:min(start+limit, total)]
	return writeJSON(c, http.StatusOK, map[string]any{
		"data": data,
		"meta": map[string]any{"total": total, "page": page, "limit": limit, "pages": (total + limit - 1) / limit},
	})
}

// genericGet serves GET /api/v1/webhooks/{id}.
func (s *server) genericGet(c echo.Context) error {
	sub, err := s.subscription(c)
	if err != nil {
		return err
	}
	return writeData(c, http.StatusOK, genericWebhook(sub, false))
}

// genericRequired are the fields a generic webhook cannot do without.
var genericRequired = []string{"url", "events"}

// genericCreate serves POST /api/v1/webhooks: 201 with the secret shown
// in full, this once.
func (s *server) genericCreate(c echo.Context) error {
	doc, err := readObject(c)
	if err != nil {
		return err
	}
	sub := webhooks.NewSubscription(webhooks.FormatGeneric)
	var errs flows.ValidationErrors
	s.Webhooks.Apply(sub, doc, "", &errs)
	if len(errs) > 0 {
		return genericError(errs.Unique())
	}
	if err := s.Webhooks.Create(c.Request().Context(), []*storage.Subscription{sub}); err != nil {
		return err
	}
	return writeData(c, http.StatusCreated, genericWebhook(sub, true))
}

// genericUpdate serves PUT /api/v1/webhooks/{id}: the fields given
// replace the webhook's.
func (s *server) genericUpdate(c echo.Context) error {
	sub, err := s.changeSubscription(c, genericRequired)
	if err != nil {
		var errs flows.ValidationErrors
		if errors.As(err, &errs) {
			return genericError(errs)
		}
		return err
	}
	return writeData(c, http.StatusOK, genericWebhook(sub, false))
}

// genericDelete serves DELETE /api/v1/webhooks/{id}.
func (s *server) genericDelete(c echo.Context) error {
	if _, err := s.deleteSubscription(c); err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, map[string]any{"success": true, "message": "Webhook deleted successfully"})
}

// genericTest serves POST /api/v1/webhooks/{id}/test: {"event": "…"}
// (optional) is sent at once, and the receiver's answer reported.
func (s *server) genericTest(c echo.Context) error {
	res, err := s.testWebhook(c)
	if err != nil {
		return err
	}
	a := res.Attempt
	details := map[string]any{
		"status_code": orNullInt(a.ResponseStatus), "response_time": int64(a.DurationMS + 0.5),
		"timestamp": genericTime(&a.StartedAt),
	}
	out := map[string]any{"success": a.ErrorClass == "", "message": "Test event sent successfully", "details": details}
	if a.ErrorClass != "" {
		out["message"] = "Test event failed: " + a.Error
		details["error"] = a.ErrorClass
	}
	return writeJSON(c, http.StatusOK, out)
}

// orNullInt is n, or null for 0.
func orNullInt(n int) any {
	if n == 0 {
		return nil
	}
	return n
}
