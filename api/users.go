package api

import (
	"net/http"

	"github.com/hookflow/hookflow/access"
	"github.com/hookflow/hookflow/storage"
	"github.com/labstack/echo/v4"
)

// maskedToken stands for a token that is set: tokens are shown once.
const maskedToken = "**********"

// userView is a user as the API shows it: with its token masked, or in
// full in the answer that created it.
type userView struct {
	storage.User
	Token *string `json:"token"`
}

func viewUser(u storage.User, token string) userView {
	v := userView{User: u}
	switch {
	case token != "":
		v.Token = &token
	case u.TokenHash != nil:
		masked := maskedToken
		v.Token = &masked
	}
	return v
}

// listUsers serves GET /users, with the global query parameters.
func (s *server) listUsers(c echo.Context) error {
	users, err := s.Store.ListUsers(c.Request().Context())
	if err != nil {
		return err
	}
	out := make([]userView, len(users))
	for i, u := range users {
		out[i] = viewUser(u, "")
	}
	docs, err := documents(out)
	if err != nil {
		return err
	}
	return writeList(c, "users", docs)
}

// getUser serves GET /users/{id}.
func (s *server) getUser(c echo.Context) error {
	u, err := s.Store.GetUser(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	return writeData(c, http.StatusOK, viewUser(*u, ""))
}

// me serves GET /users/me: the caller's own user. The bootstrap admin,
// which has no user record, is shown as one.
func (s *server) me(c echo.Context) error {
	caller := callerOf(c)
	u, err := s.Store.GetUser(c.Request().Context(), caller.User)
	if errorsIsNotFound(err) && caller.Admin {
		role := access.AdminRole
		return writeData(c, http.StatusOK, viewUser(storage.User{ID: caller.User, Role: &role, Status: access.StatusActive}, ""))
	}
	if err != nil {
		return err
	}
	return writeData(c, http.StatusOK, viewUser(*u, ""))
}

// createUsers serves POST /users (one object or an array): each user gets
// a token, shown in this answer only.
func (s *server) createUsers(c echo.Context) error {
	docs, isArray, err := readObjects(c, "user")
	if err != nil {
		return err
	}
	created, err := s.Access.CreateUsers(c.Request().Context(), docs, isArray)
	if err != nil {
		return err
	}
	out := make([]userView, len(created))
	for i, u := range created {
		out[i] = viewUser(u.User, u.Token)
	}
	return writeData(c, http.StatusOK, oneOrMany(out, isArray))
}

// updateUser serves PATCH /users/{id}.
func (s *server) updateUser(c echo.Context) error {
	patch, err := readObject(c)
	if err != nil {
		return err
	}
	u, err := s.Access.UpdateUser(c.Request().Context(), c.Param("id"), patch)
	if err != nil {
		return err
	}
	return writeData(c, http.StatusOK, viewUser(*u, ""))
}

// rotateToken serves POST /users/{id}/token: a new token, shown in this
// answer only; the old one stops working.
func (s *server) rotateToken(c echo.Context) error {
	u, err := s.Access.RotateToken(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	return writeData(c, http.StatusOK, viewUser(u.User, u.Token))
}

// deleteUser serves DELETE /users/{id}.
func (s *server) deleteUser(c echo.Context) error {
	if err := s.Access.DeleteUser(c.Request().Context(), c.Param("id")); err != nil {
		return err
	}
	return noContent(c)
}
