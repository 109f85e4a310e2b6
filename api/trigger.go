package api

import (
	"errors"

	"github.com/hookflow/hookflow/engine"
	"github.com/hookflow/hookflow/triggers"
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
		var rejected *triggers.RejectedError
		if _, failed := engine.DescribeFailure(err); failed || errors.As(err, &rejected) {
			return &envHidden{error: err, hide: s.Webhook.HideEnv}
		}
		return err
	}
	if resp.Location != "" {
		h.Set(echo.HeaderLocation, resp.Location)
	}
	return writeData(c, resp.Status, resp.Data)
}

// envHidden is a run's failure whose error answer must not show `$env`
// values: handleError passes its envelope entries through hide.
type envHidden struct {
	error
	hide func(any) any
}

// Unwrap exposes the run's failure, which decides the status and code.
func (e *envHidden) Unwrap() error { return e.error }

// hideIn hides `$env` values in the messages and extensions of items.
func (e *envHidden) hideIn(items []errorItem) {
	for i, it := range items {
		if m, ok := e.hide(it.Message).(string); ok {
			items[i].Message = m
		}
		if ext, ok := e.hide(it.Extensions).(map[string]any); ok {
			items[i].Extensions = ext
		}
	}
}
