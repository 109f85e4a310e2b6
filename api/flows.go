package api

import (
	"net/http"

	"github.com/hookflow/hookflow/access"
	"github.com/hookflow/hookflow/flows"
	"github.com/hookflow/hookflow/storage"
	"github.com/labstack/echo/v4"
)

// The rules of editing flows (ids, conflicts, entries, validation) are
// triggers.Catalog's; these handlers decode, call and encode.

// listFlows lists the flows with their operations, shaped by the global
// query parameters (filter, search, sort, limit, offset, page, fields,
// meta) as Directus lists are. With ?export=true it lists every flow as
// its canonical file's document instead (flows as code).
func (s *server) listFlows(c echo.Context) error {
	all, err := s.Store.ListFlows(c.Request().Context())
	if err != nil {
		return err
	}
	if c.QueryParam("export") == "true" {
		docs := make([]map[string]any, len(all))
		for i, f := range all {
			docs[i] = flows.Canonical(f)
		}
		return writeData(c, http.StatusOK, docs)
	}
	docs, err := documents(all)
	if err != nil {
		return err
	}
	return writeList(c, "flows", docs)
}

// getFlow returns one flow; with ?export=true its canonical file, as is
// (not in a {"data": …} envelope), ready to be kept in git.
func (s *server) getFlow(c echo.Context) error {
	f, err := s.Store.GetFlow(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	if c.QueryParam("export") == "true" {
		file, err := flows.Export(f)
		if err != nil {
			return err
		}
		c.Response().Header().Set("Content-Disposition", `attachment; filename="`+f.ID+`.json"`)
		return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, file)
	}
	return writeData(c, http.StatusOK, f)
}

// createFlows creates one flow (object body) or several (array body, all or
// nothing).
func (s *server) createFlows(c echo.Context) error {
	docs, isArray, err := readObjects(c, "flow")
	if err != nil {
		return err
	}
	created, warnings, err := s.Catalog.CreateFlows(c.Request().Context(), docs, isArray)
	if err != nil {
		return err
	}
	return writeSaved(c, http.StatusOK, oneOrMany(created, isArray), warnings)
}

// patchFlow changes the fields given; `operations`, when given, replaces
// the whole graph.
func (s *server) patchFlow(c echo.Context) error {
	patch, err := readObject(c)
	if err != nil {
		return err
	}
	f, warnings, err := s.Catalog.PatchFlow(c.Request().Context(), c.Param("id"), patch)
	if err != nil {
		return err
	}
	return writeSaved(c, http.StatusOK, f, warnings)
}

// putFlow replaces a flow with the document sent, or creates it (201)
// when there is none and the caller may create flows: create-or-update.
func (s *server) putFlow(c echo.Context) error {
	doc, err := readObject(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	if !s.Access.Allows(callerOf(c), storage.SystemFlows, access.ActionCreate, "") {
		f, warnings, err := s.Catalog.ReplaceFlow(ctx, c.Param("id"), doc)
		if err != nil {
			return err
		}
		return writeSaved(c, http.StatusOK, f, warnings)
	}
	f, created, warnings, err := s.Catalog.PutFlow(ctx, c.Param("id"), doc)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	return writeSaved(c, status, f, warnings)
}

// deleteFlow removes a flow and its operations.
func (s *server) deleteFlow(c echo.Context) error {
	if err := s.Catalog.DeleteFlow(c.Request().Context(), c.Param("id")); err != nil {
		return err
	}
	if s.Metrics != nil {
		// The URL may name the flow in any case; metrics use its stored id.
		s.Metrics.ForgetFlow(flows.CanonicalID(c.Param("id")))
	}
	return noContent(c)
}

// writeSaved answers a saved flow or operation, with the upload's
// warnings in meta.warnings when there are any.
func writeSaved(c echo.Context, status int, v any, warnings flows.ValidationErrors) error {
	if len(warnings) == 0 {
		return writeData(c, status, v)
	}
	return writeJSON(c, status, map[string]any{"data": v, "meta": map[string]any{"warnings": warnings}})
}
