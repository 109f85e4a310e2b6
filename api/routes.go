package api

import (
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// routes registers every route of the server.
//
// Middleware is attached per route rather than through echo groups: a
// group with middleware registers catch-all routes that would answer 404
// where 405 (wrong method on a known path) is right.
func (s *server) routes(e *echo.Echo) {
	e.GET("/server/ping", s.ping)
	e.GET("/server/health", s.health)

	// The webhook trigger answers every method itself (405 names the
	// flow's method) and enforces its own body limit.
	e.Any("/flows/trigger/:id", s.trigger)

	admin := []echo.MiddlewareFunc{s.requireAdmin, middleware.BodyLimit(s.bodyLimit())}
	e.GET("/flows", s.listFlows, admin...)
	e.POST("/flows", s.createFlows, admin...)
	e.GET("/flows/:id", s.getFlow, admin...)
	e.PATCH("/flows/:id", s.patchFlow, admin...)
	e.PUT("/flows/:id", s.replaceFlow, admin...)
	e.DELETE("/flows/:id", s.deleteFlow, admin...)
	e.GET("/flows/:id/runs", s.listRuns, admin...)
	e.GET("/flows/runs/:id", s.getRun, admin...)

	e.GET("/operations", s.listOperations, admin...)
	e.POST("/operations", s.createOperations, admin...)
	e.GET("/operations/:id", s.getOperation, admin...)
	e.PATCH("/operations/:id", s.patchOperation, admin...)
	e.DELETE("/operations/:id", s.deleteOperation, admin...)

	// Items and collections need the admin token until roles exist.
	e.GET("/collections", s.listCollections, admin...)
	e.POST("/collections", s.createCollection, admin...)
	e.GET("/collections/:collection", s.getCollection, admin...)
	e.PATCH("/collections/:collection", s.updateCollection, admin...)
	e.DELETE("/collections/:collection", s.deleteCollection, admin...)

	e.GET("/items/:collection", s.listItems, admin...)
	e.POST("/items/:collection", s.createItems, admin...)
	e.PATCH("/items/:collection", s.updateItems, admin...)
	e.DELETE("/items/:collection", s.deleteItems, admin...)
	e.GET("/items/:collection/:id", s.getItem, admin...)
	e.PATCH("/items/:collection/:id", s.updateItem, admin...)
	e.DELETE("/items/:collection/:id", s.deleteItem, admin...)
}
