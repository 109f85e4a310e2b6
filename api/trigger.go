package api

import (
	"github.com/labstack/echo/v4"
)

// trigger serves /flows/trigger/{id} through the webhook trigger.
func (s *server) trigger(c echo.Context) error {
	resp, err := s.Webhook.Handle(c.Request().Context(), c.Param("id"), c.Request(), s.identify(c))
	if err != nil {
		return err
	}
	h := c.Response().Header()
	if resp.RunID != "" {
		h.Set("X-Run-Id", resp.RunID)
	}
	if resp.Location != "" {
		h.Set(echo.HeaderLocation, resp.Location)
	}
	return writeData(c, resp.Status, resp.Data)
}
