package api

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/hookflow/hookflow/jsonnum"
	"github.com/labstack/echo/v4"
)

// writeList answers a list of records kept outside the item store
// (webhooks, users, roles, permissions) shaped by the global query
// parameters: filter, search, sort, limit, offset, page, fields and meta,
// evaluated in memory. A parameter that cannot be honoured is a 400, never
// ignored: a client that deletes what a filtered list returned must not
// get the whole table.
func writeList(c echo.Context, resource string, docs []map[string]any) error {
	params, err := itemParams(c)
	if err != nil {
		return err
	}
	if params.Aggregates() {
		return badRequest("INVALID_QUERY", fmt.Sprintf("aggregate and groupBy are not supported on /%s", resource))
	}
	page, counts := params.Select(docs, itemEnv(c))
	for i, d := range page {
		page[i] = params.Fields.Project(d)
	}
	if !params.Meta.Any() {
		return writeData(c, http.StatusOK, page)
	}
	meta := map[string]any{}
	if params.Meta.TotalCount {
		meta["total_count"] = counts.Total
	}
	if params.Meta.FilterCount {
		meta["filter_count"] = counts.Filtered
	}
	return writeJSON(c, http.StatusOK, map[string]any{"data": page, "meta": meta})
}

// documents turns API values into the JSON objects the query parameters
// are evaluated against: exactly what the API shows of each.
func documents[T any](values []T) ([]map[string]any, error) {
	docs := make([]map[string]any, len(values))
	for i, v := range values {
		raw, err := json.Marshal(v)
		if err != nil {
			return nil, fmt.Errorf("encode a listed record: %w", err)
		}
		if docs[i], err = jsonnum.DecodeObject(raw); err != nil {
			return nil, fmt.Errorf("decode a listed record: %w", err)
		}
	}
	return docs, nil
}
