package api

import (
	"net/http"
	"strconv"

	"github.com/hookflow/hookflow/flows"
	"github.com/hookflow/hookflow/storage"
	"github.com/hookflow/hookflow/webhooks"
	"github.com/labstack/echo/v4"
)

// The DatoCMS dialect: /webhooks requests with X-Api-Version: 2 read and
// write JSON:API documents {"data": {"type": "webhook", "id",
// "attributes"}}; every answer carries the rate-limit headers
// (docs/webhooks.md#datocms-webhooks-with-x-api-version-2).

// datoWebhook is a subscription as a DatoCMS resource.
func datoWebhook(sub *storage.Subscription, fullSecret bool) map[string]any {
	headers := make(map[string]string, len(sub.Headers))
	for _, h := range webhooks.ShownHeaders(sub) {
		headers[h.Name] = h.Value
	}
	return map[string]any{"type": "webhook", "id": strconv.FormatInt(sub.ID, 10), "attributes": map[string]any{
		"name": nameOf(sub), "url": sub.URL, "enabled": sub.Status == webhooks.StatusActive, "headers": headers,
		"events": listOrEmpty(sub.Events), "http_basic_user": orNull(sub.BasicUser),
		"http_basic_password": passwordOf(sub), "auto_retry": sub.RetrySchedule == nil || len(sub.RetrySchedule) > 0,
		"secret": secretOf(sub, fullSecret),
	}}
}

// datoIgnored are DatoCMS attributes hookflow accepts and does not use.
var datoIgnored = map[string]bool{"custom_payload": true, "payload_api_version": true, "nested_items_in_payload": true}

// datoRequired are the attributes a DatoCMS create must give.
var datoRequired = []string{"name", "url", "headers", "events"}

// datoDocument reads {"data": {"type": "webhook", "id"?, "attributes"}}
// and returns the attributes in the model's field names.
func datoDocument(c echo.Context, errs *flows.ValidationErrors) (attrs map[string]any, id string, err error) {
	body, err := readObject(c)
	if err != nil {
		return nil, "", err
	}
	data, _ := body["data"].(map[string]any)
	if data == nil {
		return nil, "", badRequest("INVALID_PAYLOAD", `the body must be {"data": {"type": "webhook", "attributes": {...}}}`)
	}
	if data["type"] != "webhook" {
		errs.Add("data.type", `must be "webhook"`)
	}
	id, _ = data["id"].(string)
	raw, _ := data["attributes"].(map[string]any)
	attrs = make(map[string]any, len(raw))
	for k, v := range raw {
		switch {
		case datoIgnored[k]:
		case k == "enabled":
			enabled, ok := v.(bool)
			if !ok {
				errs.Add("data.attributes.enabled", "must be true or false")
			}
			attrs["status"] = webhooks.StatusInactive
			if enabled {
				attrs["status"] = webhooks.StatusActive
			}
		case k == "auto_retry":
			retry, ok := v.(bool)
			if !ok {
				errs.Add("data.attributes.auto_retry", "must be true or false")
			}
			attrs["retry_schedule"] = nil
			if !retry {
				attrs["retry_schedule"] = []any{}
			}
		default:
			attrs[k] = v
		}
	}
	return attrs, id, nil
}

// datoList serves GET /webhooks (DatoCMS).
func (s *server) datoList(c echo.Context) error {
	subs, err := s.Webhooks.List(c.Request().Context())
	if err != nil {
		return err
	}
	out := make([]map[string]any, len(subs))
	for i, sub := range subs {
		out[i] = datoWebhook(sub, false)
	}
	return writeData(c, http.StatusOK, out)
}

// datoGet serves GET /webhooks/{id} (DatoCMS).
func (s *server) datoGet(c echo.Context) error {
	sub, err := s.subscription(c)
	if err != nil {
		return err
	}
	return writeData(c, http.StatusOK, datoWebhook(sub, false))
}

// datoCreate serves POST /webhooks (DatoCMS).
func (s *server) datoCreate(c echo.Context) error {
	var errs flows.ValidationErrors
	attrs, _, err := datoDocument(c, &errs)
	if err != nil {
		return err
	}
	requireFields(attrs, datoRequired, "data.attributes", &errs)
	sub := webhooks.NewSubscription(webhooks.FormatDatoCMS)
	s.Webhooks.Apply(sub, attrs, "data.attributes", &errs)
	if len(errs) > 0 {
		return errs.Unique()
	}
	if err := s.Webhooks.Create(c.Request().Context(), []*storage.Subscription{sub}); err != nil {
		return err
	}
	return writeData(c, http.StatusOK, datoWebhook(sub, true))
}

// datoUpdate serves PUT /webhooks/{id} (DatoCMS): the attributes given
// replace the webhook's.
func (s *server) datoUpdate(c echo.Context) error {
	sub, err := s.subscription(c)
	if err != nil {
		return err
	}
	var errs flows.ValidationErrors
	attrs, id, err := datoDocument(c, &errs)
	if err != nil {
		return err
	}
	if id != "" && id != strconv.FormatInt(sub.ID, 10) {
		errs.Add("data.id", "must be the id of the URL (%d)", sub.ID)
	}
	was := sub.Status
	keepRequired(attrs, datoRequired, "data.attributes", &errs)
	s.Webhooks.Apply(sub, attrs, "data.attributes", &errs)
	if len(errs) > 0 {
		return errs.Unique()
	}
	if err := s.Webhooks.Update(c.Request().Context(), sub, was); err != nil {
		return err
	}
	return writeData(c, http.StatusOK, datoWebhook(sub, false))
}

// datoDelete serves DELETE /webhooks/{id} (DatoCMS): the deleted resource.
func (s *server) datoDelete(c echo.Context) error {
	sub, err := s.deleteSubscription(c)
	if err != nil {
		return err
	}
	return writeData(c, http.StatusOK, datoWebhook(sub, false))
}
