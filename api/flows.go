package api

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// The rules of editing flows (ids, conflicts, entries, validation) are
// triggers.Catalog's; these handlers decode, call and encode.

// listFlows lists the flows with their operations, shaped by the global
// query parameters (filter, search, sort, limit, offset, page, fields,
// meta) as Directus lists are.
func (s *server) listFlows(c echo.Context) error {
	all, err := s.Store.ListFlows(c.Request().Context())
	if err != nil {
		return err
	}
	docs, err := documents(all)
	if err != nil {
		return err
	}
	return writeList(c, "flows", docs)
}

// getFlow returns one flow.
func (s *server) getFlow(c echo.Context) error {
	f, err := s.Store.GetFlow(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
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
	created, err := s.Catalog.CreateFlows(c.Request().Context(), docs, isArray)
	if err != nil {
		return err
	}
	if isArray {
		return writeData(c, http.StatusOK, created)
	}
	return writeData(c, http.StatusOK, created[0])
}

// patchFlow changes the fields given; `operations`, when given, replaces
// the whole graph.
func (s *server) patchFlow(c echo.Context) error {
	patch, err := readObject(c)
	if err != nil {
		return err
	}
	f, err := s.Catalog.PatchFlow(c.Request().Context(), c.Param("id"), patch)
	if err != nil {
		return err
	}
	return writeData(c, http.StatusOK, f)
}

// replaceFlow replaces a flow with the document sent.
func (s *server) replaceFlow(c echo.Context) error {
	doc, err := readObject(c)
	if err != nil {
		return err
	}
	f, err := s.Catalog.ReplaceFlow(c.Request().Context(), c.Param("id"), doc)
	if err != nil {
		return err
	}
	return writeData(c, http.StatusOK, f)
}

// deleteFlow removes a flow and its operations.
func (s *server) deleteFlow(c echo.Context) error {
	if err := s.Catalog.DeleteFlow(c.Request().Context(), c.Param("id")); err != nil {
		return err
	}
	return noContent(c)
}
