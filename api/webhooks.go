package api

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/hookflow/hookflow/flows"
	"github.com/hookflow/hookflow/storage"
	"github.com/hookflow/hookflow/webhooks"
	"github.com/labstack/echo/v4"
)

// Outgoing webhooks are one model (webhooks.Service) served in three
// dialects: Directus at /webhooks (this file), DatoCMS at /webhooks when
// the request says X-Api-Version: 2 (webhooks_dato.go), and the generic
// API at /api/v1/webhooks (webhooks_generic.go). routes.go registers
// /webhooks handlers that pick the dialect by that header (byAPIVersion).

// isDato reports whether a /webhooks request speaks the DatoCMS dialect.
func isDato(c echo.Context) bool {
	v := c.Request().Header.Get("X-Api-Version")
	return v == "2" || v == "3"
}

// byAPIVersion serves a request with the DatoCMS handler (rate limited as
// DatoCMS is) when it says X-Api-Version: 2, else with the Directus one.
func (s *server) byAPIVersion(directus, dato echo.HandlerFunc) echo.HandlerFunc {
	dato = s.datoRateLimited(dato)
	return func(c echo.Context) error {
		if isDato(c) {
			return dato(c)
		}
		return directus(c)
	}
}

// webhookID reads the subscription id of the URL ("12" or "wh_12").
func webhookID(c echo.Context) (int64, error) { return webhooks.ParseID(c.Param("id")) }

// isoTime formats a timestamp as Directus and DatoCMS do (milliseconds,
// UTC); nil stays null.
func isoTime(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UTC().Format("2006-01-02T15:04:05.000Z07:00")
}

// nameOf is a subscription's name, or null.
func nameOf(sub *storage.Subscription) any {
	if sub.Name == nil {
		return nil
	}
	return *sub.Name
}

// secretOf is the secret as shown: in full only right after it was made.
func secretOf(sub *storage.Subscription, full bool) string {
	if full {
		return sub.Secret
	}
	return webhooks.MaskSecret(sub.Secret)
}

// passwordOf is the basic-auth password as shown: masked, or null.
func passwordOf(sub *storage.Subscription) any {
	if sub.BasicPassword == "" {
		return nil
	}
	return webhooks.PasswordMask
}

// orNull is s, or null when empty.
func orNull(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// scheduleSeconds is a subscription's own retry schedule in seconds, or
// null for the server's default.
func scheduleSeconds(sub *storage.Subscription) any {
	if sub.RetrySchedule == nil {
		return nil
	}
	out := make([]float64, len(sub.RetrySchedule))
	for i, ms := range sub.RetrySchedule {
		out[i] = float64(ms) / 1000
	}
	return out
}

// listOrEmpty keeps empty lists [] rather than null.
func listOrEmpty[T any](v []T) []T {
	if v == nil {
		return []T{}
	}
	return v
}

// directusWebhook is a subscription in the Directus shape, with the rest
// of the model beside the Directus fields.
func directusWebhook(sub *storage.Subscription, fullSecret bool) map[string]any {
	shown := webhooks.ShownHeaders(sub)
	headers := make([]map[string]any, len(shown))
	for i, h := range shown {
		headers[i] = map[string]any{"header": h.Name, "value": h.Value}
	}
	return map[string]any{
		"id": sub.ID, "name": nameOf(sub), "method": sub.Method, "url": sub.URL, "status": sub.Status,
		"data": sub.Data, "actions": listOrEmpty(sub.Actions), "collections": listOrEmpty(sub.Collections),
		"headers": headers, "events": listOrEmpty(sub.Events), "description": sub.Description,
		"http_basic_user": orNull(sub.BasicUser), "http_basic_password": passwordOf(sub),
		"secret": secretOf(sub, fullSecret), "retry_schedule": scheduleSeconds(sub), "format": sub.Format,
		"created_at": isoTime(&sub.CreatedAt), "updated_at": isoTime(sub.UpdatedAt),
		"last_triggered": isoTime(sub.LastTriggered), "disabled_reason": orNull(sub.DisabledReason),
	}
}

// listWebhooks serves GET /webhooks: every subscription, shaped by the
// global query parameters.
func (s *server) listWebhooks(c echo.Context) error {
	subs, err := s.Webhooks.List(c.Request().Context())
	if err != nil {
		return err
	}
	docs := make([]map[string]any, len(subs))
	for i, sub := range subs {
		docs[i] = directusWebhook(sub, false)
	}
	return writeList(c, "webhooks", docs)
}

// getWebhook serves GET /webhooks/{id}.
func (s *server) getWebhook(c echo.Context) error {
	params, err := itemParams(c)
	if err != nil {
		return err
	}
	sub, err := s.subscription(c)
	if err != nil {
		return err
	}
	return writeData(c, http.StatusOK, params.Fields.Project(directusWebhook(sub, false)))
}

// subscription reads the subscription named by the URL.
func (s *server) subscription(c echo.Context) (*storage.Subscription, error) {
	id, err := webhookID(c)
	if err != nil {
		return nil, err
	}
	return s.Webhooks.Get(c.Request().Context(), id)
}

// directusRequired are the fields a Directus create must give.
var directusRequired = []string{"name", "actions", "collections", "url"}

// createWebhooks serves POST /webhooks: one webhook or an array, all or
// nothing. The answer shows the generated secrets in full, once.
func (s *server) createWebhooks(c echo.Context) error {
	params, err := itemParams(c)
	if err != nil {
		return err
	}
	docs, isArray, err := readObjects(c, "webhook")
	if err != nil {
		return err
	}
	subs := make([]*storage.Subscription, len(docs))
	var errs flows.ValidationErrors
	for i, doc := range docs {
		prefix := ""
		if isArray {
			prefix = fmt.Sprintf("[%d]", i)
		}
		requireFields(doc, directusRequired, prefix, &errs)
		subs[i] = webhooks.NewSubscription(webhooks.FormatDirectus)
		s.Webhooks.Apply(subs[i], doc, prefix, &errs)
	}
	if len(errs) > 0 {
		return errs.Unique()
	}
	if err := s.Webhooks.Create(c.Request().Context(), subs); err != nil {
		return err
	}
	out := make([]map[string]any, len(subs))
	for i, sub := range subs {
		out[i] = params.Fields.Project(directusWebhook(sub, true))
	}
	return writeData(c, http.StatusOK, oneOrMany(out, isArray))
}

// requireFields records the fields of names missing from doc, null or
// blank.
func requireFields(doc map[string]any, names []string, prefix string, errs *flows.ValidationErrors) {
	for _, name := range names {
		if v, ok := doc[name]; !ok || blank(v) {
			errs.Add(flows.JoinPath(prefix, name), "is required")
		}
	}
}

// keepRequired records the fields of names that doc sets to null or a
// blank string: an update may leave out a field a create requires, not
// clear it.
func keepRequired(doc map[string]any, names []string, prefix string, errs *flows.ValidationErrors) {
	for _, name := range names {
		if v, ok := doc[name]; ok && blank(v) {
			errs.Add(flows.JoinPath(prefix, name), "is required")
		}
	}
}

// blank reports whether a field's value gives nothing: null, or a string
// of spaces.
func blank(v any) bool {
	s, isString := v.(string)
	return v == nil || isString && strings.TrimSpace(s) == ""
}

// patchWebhook serves PATCH /webhooks/{id} (and PUT without the DatoCMS
// header): the fields given change, the others stay.
func (s *server) patchWebhook(c echo.Context) error {
	params, err := itemParams(c)
	if err != nil {
		return err
	}
	sub, err := s.changeSubscription(c, directusRequired)
	if err != nil {
		return err
	}
	return writeData(c, http.StatusOK, params.Fields.Project(directusWebhook(sub, false)))
}

// changeSubscription applies the body's fields to the subscription named
// by the URL and saves it; the fields of required (the dialect's
// required ones) may not be set to null.
func (s *server) changeSubscription(c echo.Context, required []string) (*storage.Subscription, error) {
	sub, err := s.subscription(c)
	if err != nil {
		return nil, err
	}
	doc, err := readObject(c)
	if err != nil {
		return nil, err
	}
	was := sub.Status
	var errs flows.ValidationErrors
	keepRequired(doc, required, "", &errs)
	s.Webhooks.Apply(sub, doc, "", &errs)
	if len(errs) > 0 {
		return nil, errs.Unique()
	}
	return sub, s.Webhooks.Update(c.Request().Context(), sub, was)
}

// deleteWebhook serves DELETE /webhooks/{id}: 204.
func (s *server) deleteWebhook(c echo.Context) error {
	if _, err := s.deleteSubscription(c); err != nil {
		return err
	}
	return noContent(c)
}

// deleteSubscription deletes the subscription named by the URL and
// returns it as it was.
func (s *server) deleteSubscription(c echo.Context) (*storage.Subscription, error) {
	sub, err := s.subscription(c)
	if err != nil {
		return nil, err
	}
	return sub, s.Webhooks.Delete(c.Request().Context(), []int64{sub.ID})
}

// deleteWebhooks serves DELETE /webhooks with an array of ids (or
// {"keys": [...]}): all or nothing, 204.
func (s *server) deleteWebhooks(c echo.Context) error {
	v, _, err := readJSON(c)
	if err != nil {
		return err
	}
	if obj, ok := v.(map[string]any); ok {
		v = obj["keys"]
	}
	list, ok := v.([]any)
	if !ok {
		return badRequest("INVALID_PAYLOAD", `the body must be an array of webhook ids or {"keys": [...]}`)
	}
	ids := make([]int64, len(list))
	for i, raw := range list {
		id, err := webhooks.ParseID(fmt.Sprint(raw))
		if err != nil {
			return err
		}
		ids[i] = id
	}
	if err := s.Webhooks.Delete(c.Request().Context(), ids); err != nil {
		return err
	}
	return noContent(c)
}
