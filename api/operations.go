package api

import (
	"net/http"

	"github.com/hookflow/hookflow/flows"
	"github.com/labstack/echo/v4"
)

// The Directus-shaped /operations API edits one operation of a flow at a
// time; the rules are triggers.Catalog's (AddOperations, PatchOperation,
// DeleteOperation). Seed-form operation ids may repeat across flows:
// ?flow=<id> picks one.

// listOperations lists operations, optionally of one flow (?flow=<id>),
// shaped by the global query parameters: the Directus SDK reads a flow's
// operations with filter[flow][_eq]=<id>.
func (s *server) listOperations(c echo.Context) error {
	ctx := c.Request().Context()
	var list []*flows.Flow
	if id := c.QueryParam("flow"); id != "" {
		f, err := s.Store.GetFlow(ctx, id)
		if err != nil {
			return err
		}
		list = []*flows.Flow{f}
	} else {
		all, err := s.Store.ListFlows(ctx)
		if err != nil {
			return err
		}
		list = all
	}
	ops := []*flows.Operation{}
	for _, f := range list {
		ops = append(ops, f.Operations...)
	}
	docs, err := documents(ops)
	if err != nil {
		return err
	}
	return writeList(c, "operations", docs)
}

// getOperation returns one operation.
func (s *server) getOperation(c echo.Context) error {
	_, op, err := s.Catalog.FindOperation(c.Request().Context(), c.Param("id"), c.QueryParam("flow"))
	if err != nil {
		return err
	}
	return writeData(c, http.StatusOK, op)
}

// createOperations adds one operation (object body) or several (array,
// all or nothing) to their flows (`flow` field).
func (s *server) createOperations(c echo.Context) error {
	docs, isArray, err := readObjects(c, "operation")
	if err != nil {
		return err
	}
	created, warnings, err := s.Catalog.AddOperations(c.Request().Context(), docs, isArray)
	if err != nil {
		return err
	}
	return writeSaved(c, http.StatusOK, oneOrMany(created, isArray), warnings)
}

// patchOperation changes the fields given of one operation.
func (s *server) patchOperation(c echo.Context) error {
	patch, err := readObject(c)
	if err != nil {
		return err
	}
	op, warnings, err := s.Catalog.PatchOperation(c.Request().Context(), c.Param("id"), c.QueryParam("flow"), patch)
	if err != nil {
		return err
	}
	return writeSaved(c, http.StatusOK, op, warnings)
}

// deleteOperation removes an operation; edges that pointed at it (and the
// flow's entry, if it was the entry) are cleared.
func (s *server) deleteOperation(c echo.Context) error {
	if err := s.Catalog.DeleteOperation(c.Request().Context(), c.Param("id"), c.QueryParam("flow")); err != nil {
		return err
	}
	return noContent(c)
}
