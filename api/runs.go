package api

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/hookflow/hookflow/storage"
	"github.com/labstack/echo/v4"
)

// getRun returns one run with its steps.
func (s *server) getRun(c echo.Context) error {
	run, err := s.Store.GetRun(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	return writeData(c, http.StatusOK, run.Record)
}

// listRuns lists a flow's runs, newest first: ?status= (queued, running,
// completed, failed), ?limit= (default 100, at most 1000), ?page= (from
// 1), ?since= (RFC 3339).
func (s *server) listRuns(c echo.Context) error {
	ctx := c.Request().Context()
	flow, err := s.Store.GetFlow(ctx, c.Param("id"))
	if err != nil {
		return err
	}
	limit, err := intParam(c, "limit", 100, 1000)
	if err != nil {
		return err
	}
	page, err := intParam(c, "page", 1, 0)
	if err != nil {
		return err
	}
	if limit < 1 {
		limit = 100
	}
	if page < 1 {
		page = 1
	}
	status := c.QueryParam("status")
	switch status {
	case "", storage.RunQueued, storage.RunRunning, storage.RunCompleted, storage.RunFailed:
	default:
		return badRequest("INVALID_QUERY", "status must be queued, running, completed or failed")
	}
	f := storage.RunFilter{FlowID: flow.ID, Status: status, Limit: limit, Offset: (page - 1) * limit}
	if since := c.QueryParam("since"); since != "" {
		t, err := time.Parse(time.RFC3339, since)
		if err != nil {
			return badRequest("INVALID_QUERY", "since must be an RFC 3339 time")
		}
		f.Since = t
	}
	runs, err := s.Store.ListRuns(ctx, f)
	if err != nil {
		return err
	}
	records := make([]json.RawMessage, len(runs))
	for i, r := range runs {
		records[i] = r.Record
	}
	return writeJSON(c, http.StatusOK, map[string]any{"data": records, "meta": map[string]any{"page": page, "limit": limit}})
}
