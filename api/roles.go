package api

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// listRoles serves GET /roles, with the global query parameters.
func (s *server) listRoles(c echo.Context) error {
	roles, err := s.Store.ListRoles(c.Request().Context())
	if err != nil {
		return err
	}
	docs, err := documents(roles)
	if err != nil {
		return err
	}
	return writeList(c, "roles", docs)
}

// getRole serves GET /roles/{id}.
func (s *server) getRole(c echo.Context) error {
	r, err := s.Store.GetRole(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	return writeData(c, http.StatusOK, r)
}

// createRoles serves POST /roles (one object or an array).
func (s *server) createRoles(c echo.Context) error {
	docs, isArray, err := readObjects(c, "role")
	if err != nil {
		return err
	}
	roles, err := s.Access.CreateRoles(c.Request().Context(), docs, isArray)
	if err != nil {
		return err
	}
	return writeData(c, http.StatusOK, oneOrMany(roles, isArray))
}

// updateRole serves PATCH /roles/{id}.
func (s *server) updateRole(c echo.Context) error {
	patch, err := readObject(c)
	if err != nil {
		return err
	}
	r, err := s.Access.UpdateRole(c.Request().Context(), c.Param("id"), patch)
	if err != nil {
		return err
	}
	return writeData(c, http.StatusOK, r)
}

// deleteRole serves DELETE /roles/{id}: its permissions go with it, its
// users stay without a role.
func (s *server) deleteRole(c echo.Context) error {
	if err := s.Access.DeleteRole(c.Request().Context(), c.Param("id")); err != nil {
		return err
	}
	return noContent(c)
}
