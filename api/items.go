package api

import (
	"net/http"
	"net/url"

	"github.com/hookflow/hookflow/access"
	"github.com/hookflow/hookflow/query"
	"github.com/hookflow/hookflow/storage"
	"github.com/labstack/echo/v4"
)

// The /items API (docs/items.md): {"data": …} envelopes, "meta" when asked, the
// query parameters of query.ParseValues on reads (and `fields` on writes,
// to shape what comes back).

// itemParams parses the request's query parameters.
func itemParams(c echo.Context) (*query.Params, error) {
	obj, err := query.ParseValues(c.QueryParams())
	if err != nil {
		return nil, err
	}
	return query.ParseParams(obj, query.ParamOptions{})
}

// callerOf is the caller a guard let through.
func callerOf(c echo.Context) access.Caller {
	caller, _ := c.Get(callerKey).(access.Caller)
	return caller
}

// itemEnv is what $CURRENT_USER and $CURRENT_ROLE mean in a request's filter.
func itemEnv(c echo.Context) query.Env {
	caller := callerOf(c)
	return query.Env{User: nilIfEmpty(caller.User), Role: nilIfEmpty(caller.Role)}
}

// writeOptions names the caller in the write's events.
func writeOptions(c echo.Context) storage.WriteOptions {
	caller := callerOf(c)
	return storage.WriteOptions{Accountability: map[string]any{"user": nilIfEmpty(caller.User), "role": nilIfEmpty(caller.Role)}}
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// itemID is the {id} of the URL, unescaped. Echo routes on the escaped
// path, and hands over escaped parameters, only when the URL has one
// (RawPath: an id with an escaped '/'); otherwise the parameter is already
// decoded and unescaping it again would misread an id holding '%'.
func itemID(c echo.Context) (string, error) {
	if c.Request().URL.RawPath == "" {
		return c.Param("id"), nil
	}
	id, err := url.PathUnescape(c.Param("id"))
	if err != nil {
		return "", badRequest("INVALID_PAYLOAD", "malformed item id in the URL")
	}
	return id, nil
}

// listItems serves GET /items/{collection}.
func (s *server) listItems(c echo.Context) error {
	params, err := itemParams(c)
	if err != nil {
		return err
	}
	page, err := s.Store.ReadItems(c.Request().Context(), c.Param("collection"),
		storage.ItemQuery{Params: params, Env: itemEnv(c)})
	if err != nil {
		return err
	}
	if page.Meta != nil {
		return writeJSON(c, http.StatusOK, map[string]any{"data": page.Data, "meta": page.Meta})
	}
	return writeData(c, http.StatusOK, page.Data)
}

// getItem serves GET /items/{collection}/{id}.
func (s *server) getItem(c echo.Context) error {
	params, err := itemParams(c)
	if err != nil {
		return err
	}
	id, err := itemID(c)
	if err != nil {
		return err
	}
	item, err := s.Store.GetItem(c.Request().Context(), c.Param("collection"), id)
	if err != nil {
		return err
	}
	return writeData(c, http.StatusOK, params.Fields.Project(item))
}

// createItems serves POST /items/{collection}: an object creates one item,
// an array creates them all in one transaction.
func (s *server) createItems(c echo.Context) error {
	params, err := itemParams(c)
	if err != nil {
		return err
	}
	v, _, err := readJSON(c)
	if err != nil {
		return err
	}
	items, many, err := bodyItems(v)
	if err != nil {
		return err
	}
	created, err := s.Store.CreateItems(c.Request().Context(), c.Param("collection"), items, writeOptions(c))
	if err != nil {
		return err
	}
	return writeItems(c, params, created, many)
}

// updateItem serves PATCH /items/{collection}/{id}: the body's fields
// replace the item's, others stay.
func (s *server) updateItem(c echo.Context) error {
	params, err := itemParams(c)
	if err != nil {
		return err
	}
	id, err := itemID(c)
	if err != nil {
		return err
	}
	data, err := readItemObject(c)
	if err != nil {
		return err
	}
	updated, err := s.Store.UpdateItems(c.Request().Context(), c.Param("collection"),
		storage.ItemSelection{Keys: []any{id}}, data, writeOptions(c))
	if err != nil {
		return err
	}
	return writeItems(c, params, updated, false)
}

// updateItems serves PATCH /items/{collection}: {"keys": [...], "data": {...}},
// {"query": {...}, "data": {...}}, or an array of items with their ids.
func (s *server) updateItems(c echo.Context) error {
	params, err := itemParams(c)
	if err != nil {
		return err
	}
	v, _, err := readJSON(c)
	if err != nil {
		return err
	}
	ctx, collection := c.Request().Context(), c.Param("collection")
	if list, isList := v.([]any); isList {
		items, _, err := bodyItems(list)
		if err != nil {
			return err
		}
		updated, err := s.Store.UpdateEach(ctx, collection, items, writeOptions(c))
		if err != nil {
			return err
		}
		return writeItems(c, params, updated, true)
	}
	body, _ := v.(map[string]any)
	data, isObj := body["data"].(map[string]any)
	if !isObj {
		return badRequest("INVALID_PAYLOAD", `the body must be {"keys": [...], "data": {...}}, {"query": {...}, "data": {...}} or an array of items with ids`)
	}
	sel, err := bodySelection(c, body)
	if err != nil {
		return err
	}
	updated, err := s.Store.UpdateItems(ctx, collection, sel, data, writeOptions(c))
	if err != nil {
		return err
	}
	return writeItems(c, params, updated, true)
}

// deleteItem serves DELETE /items/{collection}/{id}.
func (s *server) deleteItem(c echo.Context) error {
	id, err := itemID(c)
	if err != nil {
		return err
	}
	_, err = s.Store.DeleteItems(c.Request().Context(), c.Param("collection"),
		storage.ItemSelection{Keys: []any{id}}, writeOptions(c))
	if err != nil {
		return err
	}
	return noContent(c)
}

// deleteItems serves DELETE /items/{collection}: an array of keys,
// {"keys": [...]} or {"query": {...}}.
func (s *server) deleteItems(c echo.Context) error {
	v, _, err := readJSON(c)
	if err != nil {
		return err
	}
	var sel storage.ItemSelection
	switch body := v.(type) {
	case []any:
		sel.Keys = body
	case map[string]any:
		if sel, err = bodySelection(c, body); err != nil {
			return err
		}
	default:
		return badRequest("INVALID_PAYLOAD", `the body must be an array of keys, {"keys": [...]} or {"query": {...}}`)
	}
	if _, err := s.Store.DeleteItems(c.Request().Context(), c.Param("collection"), sel, writeOptions(c)); err != nil {
		return err
	}
	return noContent(c)
}

// bodySelection reads {"keys": [...]} or {"query": {...}} from a body.
func bodySelection(c echo.Context, body map[string]any) (storage.ItemSelection, error) {
	if keys, ok := body["keys"].([]any); ok {
		return storage.ItemSelection{Keys: keys}, nil
	}
	if q, ok := body["query"].(map[string]any); ok {
		params, err := query.ParseParams(q, query.ParamOptions{Strict: true})
		if err != nil {
			return storage.ItemSelection{}, err
		}
		return storage.ItemSelection{Query: &storage.ItemQuery{Params: params, Env: itemEnv(c)}}, nil
	}
	return storage.ItemSelection{}, badRequest("INVALID_PAYLOAD", `say which items: "keys": [...] or "query": {...}`)
}

// bodyItems reads a write body: an object or an array of objects.
func bodyItems(v any) ([]map[string]any, bool, error) {
	switch x := v.(type) {
	case map[string]any:
		return []map[string]any{x}, false, nil
	case []any:
		items := make([]map[string]any, len(x))
		for i, e := range x {
			m, ok := e.(map[string]any)
			if !ok {
				return nil, true, badRequest("INVALID_PAYLOAD", "every item of the body must be an object")
			}
			items[i] = m
		}
		return items, true, nil
	}
	return nil, false, badRequest("INVALID_PAYLOAD", "the body must be an object or an array of objects")
}

// writeItems answers written items, shaped by `fields`.
func writeItems(c echo.Context, params *query.Params, items []map[string]any, many bool) error {
	for i, it := range items {
		items[i] = params.Fields.Project(it)
	}
	if !many && len(items) == 1 {
		return writeData(c, http.StatusOK, items[0])
	}
	return writeData(c, http.StatusOK, items)
}
