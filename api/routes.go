package api

import (
	"github.com/hookflow/hookflow/access"
	"github.com/hookflow/hookflow/storage"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// routes registers every route of the server.
//
// Middleware is attached per route rather than through echo groups: a
// group with middleware registers catch-all routes that would answer 404
// where 405 (wrong method on a known path) is right.
//
// Each management route needs a permission on a system collection
// (docs/access.md): flows and their operations are "flows" (reading
// needs read; changing an operation is an update of its flow), run records
// "runs" (read), the /collections API "collections", items their own
// collection; users, roles and permissions need an admin.
func (s *server) routes(e *echo.Echo) {
	e.GET("/server/ping", s.ping)
	e.GET("/server/health", s.health)

	// The webhook trigger answers every method itself (405 names the
	// flow's method), checks access itself (public flows take unknown
	// tokens) and enforces its own body limit.
	e.Any("/flows/trigger/:id", s.trigger)

	limit := middleware.BodyLimit(s.bodyLimit())
	flows := func(action string) []echo.MiddlewareFunc {
		return []echo.MiddlewareFunc{s.require(storage.SystemFlows, action), limit}
	}
	e.GET("/flows", s.listFlows, flows(access.ActionRead)...)
	e.POST("/flows", s.createFlows, flows(access.ActionCreate)...)
	e.GET("/flows/:id", s.getFlow, flows(access.ActionRead)...)
	e.PATCH("/flows/:id", s.patchFlow, flows(access.ActionUpdate)...)
	e.PUT("/flows/:id", s.replaceFlow, flows(access.ActionUpdate)...)
	e.DELETE("/flows/:id", s.deleteFlow, flows(access.ActionDelete)...)

	runs := []echo.MiddlewareFunc{s.require(storage.SystemRuns, access.ActionRead), limit}
	e.GET("/flows/:id/runs", s.listRuns, runs...)
	e.GET("/flows/runs/:id", s.getRun, runs...)

	e.GET("/operations", s.listOperations, flows(access.ActionRead)...)
	e.POST("/operations", s.createOperations, flows(access.ActionUpdate)...)
	e.GET("/operations/:id", s.getOperation, flows(access.ActionRead)...)
	e.PATCH("/operations/:id", s.patchOperation, flows(access.ActionUpdate)...)
	e.DELETE("/operations/:id", s.deleteOperation, flows(access.ActionUpdate)...)

	collections := func(action string) []echo.MiddlewareFunc {
		return []echo.MiddlewareFunc{s.require(storage.SystemCollections, action), limit}
	}
	e.GET("/collections", s.listCollections, collections(access.ActionRead)...)
	e.POST("/collections", s.createCollection, collections(access.ActionCreate)...)
	e.GET("/collections/:collection", s.getCollection, collections(access.ActionRead)...)
	e.PATCH("/collections/:collection", s.updateCollection, collections(access.ActionUpdate)...)
	e.DELETE("/collections/:collection", s.deleteCollection, collections(access.ActionDelete)...)

	items := func(action string) []echo.MiddlewareFunc {
		return []echo.MiddlewareFunc{s.requireItems(action), limit}
	}
	e.GET("/items/:collection", s.listItems, items(access.ActionRead)...)
	e.POST("/items/:collection", s.createItems, items(access.ActionCreate)...)
	e.PATCH("/items/:collection", s.updateItems, items(access.ActionUpdate)...)
	e.DELETE("/items/:collection", s.deleteItems, items(access.ActionDelete)...)
	e.GET("/items/:collection/:id", s.getItem, items(access.ActionRead)...)
	e.PATCH("/items/:collection/:id", s.updateItem, items(access.ActionUpdate)...)
	e.DELETE("/items/:collection/:id", s.deleteItem, items(access.ActionDelete)...)

	admin := []echo.MiddlewareFunc{s.requireAdmin, limit}
	e.GET("/users/me", s.me, s.requireUser)
	e.GET("/users", s.listUsers, admin...)
	e.POST("/users", s.createUsers, admin...)
	e.GET("/users/:id", s.getUser, admin...)
	e.PATCH("/users/:id", s.updateUser, admin...)
	e.DELETE("/users/:id", s.deleteUser, admin...)
	e.POST("/users/:id/token", s.rotateToken, admin...)

	e.GET("/roles", s.listRoles, admin...)
	e.POST("/roles", s.createRoles, admin...)
	e.GET("/roles/:id", s.getRole, admin...)
	e.PATCH("/roles/:id", s.updateRole, admin...)
	e.DELETE("/roles/:id", s.deleteRole, admin...)

	e.GET("/permissions", s.listPermissions, admin...)
	e.POST("/permissions", s.createPermissions, admin...)
	e.GET("/permissions/:id", s.getPermission, admin...)
	e.PATCH("/permissions/:id", s.updatePermission, admin...)
	e.DELETE("/permissions/:id", s.deletePermission, admin...)
	e.DELETE("/permissions", s.deletePermissions, admin...)
}
