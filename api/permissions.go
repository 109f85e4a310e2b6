package api

import (
	"net/http"
	"strconv"

	"github.com/hookflow/hookflow/jsonnum"
	"github.com/labstack/echo/v4"
)

// listPermissions serves GET /permissions with the global query
// parameters; ?role= is a shorthand for filter[role][_eq].
func (s *server) listPermissions(c echo.Context) error {
	perms, err := s.Store.ListPermissions(c.Request().Context(), c.QueryParam("role"))
	if err != nil {
		return err
	}
	docs, err := documents(perms)
	if err != nil {
		return err
	}
	return writeList(c, "permissions", docs)
}

// permissionID reads the {id} of the URL.
func permissionID(c echo.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return 0, badRequest("INVALID_PAYLOAD", "a permission id is an integer")
	}
	return id, nil
}

// getPermission serves GET /permissions/{id}.
func (s *server) getPermission(c echo.Context) error {
	id, err := permissionID(c)
	if err != nil {
		return err
	}
	p, err := s.Store.GetPermission(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return writeData(c, http.StatusOK, p)
}

// createPermissions serves POST /permissions (one object or an array).
func (s *server) createPermissions(c echo.Context) error {
	docs, isArray, err := readObjects(c, "permission")
	if err != nil {
		return err
	}
	perms, err := s.Access.CreatePermissions(c.Request().Context(), docs, isArray)
	if err != nil {
		return err
	}
	return writeData(c, http.StatusOK, oneOrMany(perms, isArray))
}

// updatePermission serves PATCH /permissions/{id}.
func (s *server) updatePermission(c echo.Context) error {
	id, err := permissionID(c)
	if err != nil {
		return err
	}
	patch, err := readObject(c)
	if err != nil {
		return err
	}
	p, err := s.Access.UpdatePermission(c.Request().Context(), id, patch)
	if err != nil {
		return err
	}
	return writeData(c, http.StatusOK, p)
}

// deletePermission serves DELETE /permissions/{id}.
func (s *server) deletePermission(c echo.Context) error {
	id, err := permissionID(c)
	if err != nil {
		return err
	}
	if err := s.Access.DeletePermissions(c.Request().Context(), []int64{id}); err != nil {
		return err
	}
	return noContent(c)
}

// deletePermissions serves DELETE /permissions with an array of ids (all
// or none are removed).
func (s *server) deletePermissions(c echo.Context) error {
	v, _, err := readJSON(c)
	if err != nil {
		return err
	}
	list, _ := v.([]any)
	if len(list) == 0 {
		return badRequest("INVALID_PAYLOAD", "the body must be a non-empty array of permission ids")
	}
	ids := make([]int64, len(list))
	for i, e := range list {
		id, isInt := jsonnum.Int(e)
		if !isInt {
			return badRequest("INVALID_PAYLOAD", "the body must be an array of permission ids (integers)")
		}
		ids[i] = id
	}
	if err := s.Access.DeletePermissions(c.Request().Context(), ids); err != nil {
		return err
	}
	return noContent(c)
}
