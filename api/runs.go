package api

import (
	"net/http"

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

// listRuns lists a flow's runs, newest first, with the parameters of
// GET /flows/runs but flow (parseRunListing).
func (s *server) listRuns(c echo.Context) error {
	flow, err := s.Store.GetFlow(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	l, err := parseRunListing(c, true)
	if err != nil {
		return err
	}
	l.query.FlowID = flow.ID
	return s.writeRuns(c, l, storage.RunQuery{FlowID: flow.ID})
}
