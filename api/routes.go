package api

import (
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// routes registers every route of the server.
func (s *server) routes(e *echo.Echo) {
	e.GET("/server/ping", s.ping)
	e.GET("/server/health", s.health)

	// The webhook trigger answers every method itself (405 names the
	// flow's method) and enforces its own body limit.
	e.Any("/flows/trigger/:id", s.trigger)

	limit := middleware.BodyLimit(s.bodyLimit())
	admin := e.Group("", s.requireAdmin, limit)
	admin.GET("/flows", s.listFlows)
	admin.POST("/flows", s.createFlows)
	admin.GET("/flows/:id", s.getFlow)
	admin.PATCH("/flows/:id", s.patchFlow)
	admin.PUT("/flows/:id", s.replaceFlow)
	admin.DELETE("/flows/:id", s.deleteFlow)
	admin.GET("/flows/:id/runs", s.listRuns)
	admin.GET("/flows/runs/:id", s.getRun)

	admin.GET("/operations", s.listOperations)
	admin.POST("/operations", s.createOperations)
	admin.GET("/operations/:id", s.getOperation)
	admin.PATCH("/operations/:id", s.patchOperation)
	admin.DELETE("/operations/:id", s.deleteOperation)

	// Items and collections need the admin token until roles exist.
	admin.GET("/collections", s.listCollections)
	admin.POST("/collections", s.createCollection)
	admin.GET("/collections/:collection", s.getCollection)
	admin.PATCH("/collections/:collection", s.updateCollection)
	admin.DELETE("/collections/:collection", s.deleteCollection)

	admin.GET("/items/:collection", s.listItems)
	admin.POST("/items/:collection", s.createItems)
	admin.PATCH("/items/:collection", s.updateItems)
	admin.DELETE("/items/:collection", s.deleteItems)
	admin.GET("/items/:collection/:id", s.getItem)
	admin.PATCH("/items/:collection/:id", s.updateItem)
	admin.DELETE("/items/:collection/:id", s.deleteItem)
}
