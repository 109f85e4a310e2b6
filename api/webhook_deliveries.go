package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/hookflow/hookflow/storage"
	"github.com/hookflow/hookflow/webhooks"
	"github.com/labstack/echo/v4"
)

// hookflow's own delivery log API, beside the dialects: the deliveries of
// a webhook, one delivery with every attempt, resend, a synchronous test,
// and secret rotation.

// deliveryDoc is a delivery as the log shows it.
func deliveryDoc(d *storage.Delivery) map[string]any {
	var next *time.Time
	if d.Status == storage.DeliveryPending {
		t := time.UnixMilli(d.NextAttemptAt)
		next = &t
	}
	doc := map[string]any{
		"id": d.ID, "webhook": d.WebhookID, "message_id": d.MessageID, "event": d.Event, "status": d.Status,
		"attempt_count": d.Attempts, "next_attempt_at": isoTime(next), "last_status": orNullInt(d.LastStatus),
		"last_error": orNull(d.LastError), "last_attempt_at": isoTime(d.LastAttemptAt), "test": d.Test,
		"created_at": isoTime(&d.CreatedAt), "updated_at": isoTime(&d.UpdatedAt),
	}
	if m, err := webhooks.DecodeMessage(d.Message); err == nil {
		doc["message"] = m
	}
	return doc
}

// attemptDoc is one attempt as the log shows it.
func attemptDoc(a *storage.Attempt) map[string]any {
	var response any
	if a.ResponseStatus != 0 {
		response = map[string]any{"status": a.ResponseStatus, "headers": a.ResponseHeaders, "body": a.ResponseBody}
	}
	return map[string]any{
		"id": a.ID, "number": a.Number, "started_at": isoTime(&a.StartedAt), "duration_ms": a.DurationMS,
		"request": map[string]any{
			"url": a.RequestURL, "method": a.RequestMethod, "headers": a.RequestHeaders,
			"body_sha256": orNull(a.RequestBodySHA256),
		},
		"response": response, "error_class": orNull(a.ErrorClass), "error": orNull(a.Error),
	}
}

// deliveryDetail is a delivery with its attempts and the body it sends.
func (s *server) deliveryDetail(c echo.Context, d *storage.Delivery, attempts []*storage.Attempt) map[string]any {
	doc := deliveryDoc(d)
	list := make([]map[string]any, len(attempts))
	for i, a := range attempts {
		list[i] = attemptDoc(a)
	}
	doc["attempts"] = list
	if sub, err := s.Webhooks.Get(c.Request().Context(), d.WebhookID); err == nil {
		if body, err := webhooks.Body(sub, d); err == nil && body != nil {
			doc["body"] = string(body)
		}
	}
	return doc
}

// deliveryID reads the delivery id of the URL.
func deliveryID(c echo.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, storage.ErrNotFound
	}
	return id, nil
}

// delivery reads the delivery named by the URL.
func (s *server) delivery(c echo.Context) (*storage.Delivery, error) {
	id, err := deliveryID(c)
	if err != nil {
		return nil, err
	}
	return s.Store.GetDelivery(c.Request().Context(), id)
}

// resend makes the delivery named by the URL due again.
func (s *server) resend(c echo.Context) (*storage.Delivery, error) {
	id, err := deliveryID(c)
	if err != nil {
		return nil, err
	}
	return s.Webhooks.Resend(c.Request().Context(), id)
}

// listDeliveries serves GET /webhooks/{id}/deliveries: newest first,
// ?status= (pending, succeeded, failed), ?event=, ?limit= (50, at most
// 500), ?page=.
func (s *server) listDeliveries(c echo.Context) error {
	sub, err := s.subscription(c)
	if err != nil {
		return err
	}
	limit, err := intParam(c, "limit", 50, 500)
	if err != nil {
		return err
	}
	page, err := intParam(c, "page", 1, 0)
	if err != nil {
		return err
	}
	limit, page = max(limit, 1), max(page, 1)
	status := c.QueryParam("status")
	switch status {
	case "", storage.DeliveryPending, storage.DeliverySucceeded, storage.DeliveryFailed:
	default:
		return badRequest("INVALID_QUERY", "status must be pending, succeeded or failed")
	}
	rows, total, err := s.Store.ListDeliveries(c.Request().Context(), storage.DeliveryFilter{
		WebhookID: sub.ID,
		Status:    status,
		Event:     c.QueryParam("event"),
		Desc:      true,
		Limit:     limit,
		Offset:    (page - 1) * limit,
	})
	if err != nil {
		return err
	}
	out := make([]map[string]any, len(rows))
	for i, d := range rows {
		out[i] = deliveryDoc(d)
	}
	return writeJSON(c, http.StatusOK, map[string]any{
		"data": out,
		"meta": map[string]any{"total": total, "page": page, "limit": limit},
	})
}

// getDelivery serves GET /webhooks/deliveries/{id}: the delivery, the
// body it sends and every attempt.
func (s *server) getDelivery(c echo.Context) error {
	d, err := s.delivery(c)
	if err != nil {
		return err
	}
	attempts, err := s.Store.ListAttempts(c.Request().Context(), d.ID)
	if err != nil {
		return err
	}
	return writeData(c, http.StatusOK, s.deliveryDetail(c, d, attempts))
}

// resendDelivery serves POST /webhooks/deliveries/{id}/resend: 202, the
// delivery is due again at once (409 when its webhook is not active).
func (s *server) resendDelivery(c echo.Context) error {
	d, err := s.resend(c)
	if err != nil {
		return err
	}
	return writeData(c, http.StatusAccepted, deliveryDoc(d))
}

// testWebhook sends a test delivery for the webhook of the URL; the body
// may name the event ({"event": "orders.created"}).
func (s *server) testWebhook(c echo.Context) (*webhooks.TestResult, error) {
	id, err := webhookID(c)
	if err != nil {
		return nil, err
	}
	var event string
	if c.Request().ContentLength != 0 {
		v, raw, err := readJSON(c)
		if err != nil && len(raw) > 0 {
			return nil, err
		}
		if body, ok := v.(map[string]any); ok {
			if e, isStr := body["event"].(string); isStr {
				event = e
			} else if body["event"] != nil {
				return nil, badRequest("INVALID_PAYLOAD", `"event" must be an event name`)
			}
		}
	}
	return s.Webhooks.Test(c.Request().Context(), id, event)
}

// postTest serves POST /webhooks/{id}/test: the delivery and its attempt,
// in full.
func (s *server) postTest(c echo.Context) error {
	res, err := s.testWebhook(c)
	if err != nil {
		return err
	}
	return writeData(c, http.StatusOK, s.deliveryDetail(c, res.Delivery, []*storage.Attempt{res.Attempt}))
}

// rotateSecret serves POST /webhooks/{id}/rotate-secret: the webhook with
// its new secret in full; the previous one keeps signing for 24 hours.
func (s *server) rotateSecret(c echo.Context) error {
	sub, err := s.rotate(c)
	if err != nil {
		return err
	}
	doc := directusWebhook(sub, true)
	doc["previous_secret_expires_at"] = isoTime(sub.PreviousSecretExpiresAt)
	return writeData(c, http.StatusOK, doc)
}

// genericRotateSecret serves POST /api/v1/webhooks/{id}/rotate-secret.
func (s *server) genericRotateSecret(c echo.Context) error {
	sub, err := s.rotate(c)
	if err != nil {
		return err
	}
	doc := genericWebhook(sub, true)
	doc["previous_secret_expires_at"] = genericTime(sub.PreviousSecretExpiresAt)
	return writeData(c, http.StatusOK, doc)
}

func (s *server) rotate(c echo.Context) (*storage.Subscription, error) {
	id, err := webhookID(c)
	if err != nil {
		return nil, err
	}
	return s.Webhooks.RotateSecret(c.Request().Context(), id)
}
