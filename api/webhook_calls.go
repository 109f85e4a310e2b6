package api

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/hookflow/hookflow/storage"
	"github.com/hookflow/hookflow/webhooks"
	"github.com/labstack/echo/v4"
)

// The DatoCMS delivery log: /webhook_calls lists deliveries as
// webhook_call resources, each with its latest attempt's request and
// response, and resend_webhook sends one again.

// datoCallStatus is a delivery's status in DatoCMS's words.
func datoCallStatus(d *storage.Delivery) string {
	switch {
	case d.Status == storage.DeliverySucceeded:
		return "success"
	case d.Status == storage.DeliveryFailed:
		return "failed"
	case d.Attempts > 0:
		return "rescheduled"
	}
	return "pending"
}

// datoCall is a delivery as a webhook_call resource.
func datoCall(d *storage.Delivery, sub *storage.Subscription, last *storage.Attempt) map[string]any {
	attrs := map[string]any{
		"created_at": isoTime(&d.CreatedAt), "request_url": nil, "request_headers": nil, "request_payload": nil,
		"response_status": orNullInt(d.LastStatus), "response_headers": nil, "response_payload": nil,
		"attempted_auto_retries_count": max(d.Attempts-1, 0), "last_sent_at": isoTime(d.LastAttemptAt),
		"next_retry_at": nil, "status": datoCallStatus(d),
	}
	if m, err := webhooks.DecodeMessage(d.Message); err == nil {
		attrs["entity_type"], attrs["event_type"] = webhooks.DatoTypes(m)
	}
	if sub != nil {
		attrs["request_url"] = sub.URL
		if body, err := webhooks.Body(sub, d); err == nil && body != nil {
			attrs["request_payload"] = string(body)
		}
	}
	if last != nil {
		attrs["request_url"], attrs["request_headers"] = last.RequestURL, last.RequestHeaders
		if last.ResponseStatus != 0 {
			attrs["response_headers"], attrs["response_payload"] = last.ResponseHeaders, last.ResponseBody
		}
	}
	if d.Status == storage.DeliveryPending && d.Attempts > 0 {
		t := time.UnixMilli(d.NextAttemptAt)
		attrs["next_retry_at"] = isoTime(&t)
	}
	return map[string]any{
		"type": "webhook_call", "id": strconv.FormatInt(d.ID, 10), "attributes": attrs,
		"relationships": map[string]any{"webhook": map[string]any{"data": map[string]any{
			"type": "webhook", "id": strconv.FormatInt(d.WebhookID, 10),
		}}},
	}
}

// datoCallParams are the list parameters GET /webhook_calls reads
// (access_token authenticates).
var datoCallParams = map[string]bool{
	"page[offset]": true, "page[limit]": true, "filter[ids]": true,
	"filter[fields][webhook_id][eq]": true, "filter[fields][status][eq]": true, "order_by": true,
	"access_token": true,
}

// datoCallUnsupported are parameters DatoCMS documents for the list that
// hookflow does not filter by: refused by name rather than ignored, so a
// client never takes an unfiltered list for a filtered one.
var datoCallUnsupported = []string{
	"filter[fields][entity_type]", "filter[fields][event_type]",
	"filter[fields][last_sent_at]", "filter[fields][next_retry_at]", "filter[fields][created_at]",
}

// checkDatoCallParams refuses a parameter the list does not read.
func checkDatoCallParams(c echo.Context) error {
	for name := range c.QueryParams() {
		if datoCallParams[name] {
			continue
		}
		for _, prefix := range datoCallUnsupported {
			if strings.HasPrefix(name, prefix) {
				return badRequest("INVALID_QUERY", name+" is not supported: webhook calls filter by "+
					"filter[ids], filter[fields][webhook_id][eq] and filter[fields][status][eq]")
			}
		}
		return badRequest("INVALID_QUERY", "unknown query parameter "+name+": webhook calls take page[offset], "+
			"page[limit], filter[ids], filter[fields][webhook_id][eq], filter[fields][status][eq] and order_by")
	}
	return nil
}

// datoCallFilter reads DatoCMS's list parameters: page[offset],
// page[limit] (30, at most 500), filter[ids], filter[fields][webhook_id][eq],
// filter[fields][status][eq], and order_by (created_at_asc, or
// created_at_desc, the default). Any other parameter, and a value of the
// wrong form, is 400 INVALID_QUERY.
func datoCallFilter(c echo.Context) (storage.DeliveryFilter, error) {
	f := storage.DeliveryFilter{Desc: true, Limit: 30}
	if err := checkDatoCallParams(c); err != nil {
		return f, err
	}
	if v := c.QueryParam("page[limit]"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return f, badRequest("INVALID_QUERY", "page[limit] must be a positive integer")
		}
		f.Limit = min(n, 500)
	}
	if v := c.QueryParam("page[offset]"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return f, badRequest("INVALID_QUERY", "page[offset] must be a non-negative integer")
		}
		f.Offset = n
	}
	if v := c.QueryParam("filter[ids]"); v != "" {
		f.IDs = []int64{}
		for _, part := range strings.Split(v, ",") {
			id, err := strconv.ParseInt(strings.TrimSpace(part), 10, 64)
			if err != nil || id < 1 {
				return f, badRequest("INVALID_QUERY", "filter[ids] must be webhook call ids separated by commas (\"42,554\")")
			}
			f.IDs = append(f.IDs, id)
		}
	}
	if v := c.QueryParam("filter[fields][webhook_id][eq]"); v != "" {
		id, err := webhooks.ParseID(v)
		if err != nil {
			return f, badRequest("INVALID_QUERY", "filter[fields][webhook_id][eq] must be a webhook id")
		}
		f.WebhookID = id
	}
	switch v := c.QueryParam("filter[fields][status][eq]"); v {
	case "":
	case "success":
		f.Status = storage.DeliverySucceeded
	case "failed":
		f.Status = storage.DeliveryFailed
	case "pending", "rescheduled":
		attempted := v == "rescheduled"
		f.Status, f.Attempted = storage.DeliveryPending, &attempted
	default:
		return f, badRequest("INVALID_QUERY", "filter[fields][status][eq] must be pending, success, failed or rescheduled")
	}
	switch c.QueryParam("order_by") {
	case "", "created_at_desc":
	case "created_at_asc":
		f.Desc = false
	default:
		return f, badRequest("INVALID_QUERY", "order_by must be created_at_asc or created_at_desc")
	}
	return f, nil
}

// listWebhookCalls serves GET /webhook_calls.
func (s *server) listWebhookCalls(c echo.Context) error {
	f, err := datoCallFilter(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	rows, total, err := s.Store.ListDeliveries(ctx, f)
	if err != nil {
		return err
	}
	ids := make([]int64, len(rows))
	for i, d := range rows {
		ids[i] = d.ID
	}
	last, err := s.Store.LastAttempts(ctx, ids)
	if err != nil {
		return err
	}
	subs := map[int64]*storage.Subscription{}
	out := make([]map[string]any, len(rows))
	for i, d := range rows {
		sub, seen := subs[d.WebhookID]
		if !seen {
			sub, _ = s.Webhooks.Get(ctx, d.WebhookID)
			subs[d.WebhookID] = sub
		}
		out[i] = datoCall(d, sub, last[d.ID])
	}
	return writeJSON(c, http.StatusOK, map[string]any{"data": out, "meta": map[string]any{"total_count": total}})
}

// getWebhookCall serves GET /webhook_calls/{id}.
func (s *server) getWebhookCall(c echo.Context) error {
	d, err := s.delivery(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	last, err := s.Store.LastAttempts(ctx, []int64{d.ID})
	if err != nil {
		return err
	}
	sub, _ := s.Webhooks.Get(ctx, d.WebhookID)
	return writeData(c, http.StatusOK, datoCall(d, sub, last[d.ID]))
}

// resendWebhookCall serves POST /webhook_calls/{id}/resend_webhook: 204,
// the delivery is due again at once.
func (s *server) resendWebhookCall(c echo.Context) error {
	if _, err := s.resend(c); err != nil {
		return err
	}
	return noContent(c)
}
