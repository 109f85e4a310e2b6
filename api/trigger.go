package api

import (
	"github.com/labstack/echo/v4"
)

// trigger serves /flows/trigger/{id} through the webhook trigger.
func (s *server) trigger(c echo.Context) error {
	caller, err := s.identify(c)
	if err != nil {
		return err
	}
	h := c.Response().Header()
	resp, err := s.Webhook.Handle(c.Request().Context(), c.Param("id"), c.Request(), caller, h)
	if err != nil {
		return err
	}
	if resp.RunID != "" {
		h.Set("X-Run-Id", resp.RunID)
	}
	if resp.Location != "" {
		h.Set(echo.HeaderLocation, resp.Location)
	}
	return writeData(c, resp.Status, resp.Data)
}
