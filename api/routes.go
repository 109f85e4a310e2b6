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

	// Outgoing webhooks: one model in three dialects. /webhooks is
	// Directus's, or DatoCMS's when the request says X-Api-Version: 2
	// (byAPIVersion); /api/v1/webhooks is the generic API.
	e.GET("/webhooks", s.byAPIVersion(s.listWebhooks, s.datoList), admin...)
	e.POST("/webhooks", s.byAPIVersion(s.createWebhooks, s.datoCreate), admin...)
	e.DELETE("/webhooks", s.deleteWebhooks, admin...)
	e.GET("/webhooks/:id", s.byAPIVersion(s.getWebhook, s.datoGet), admin...)
	e.PATCH("/webhooks/:id", s.patchWebhook, admin...)
	e.PUT("/webhooks/:id", s.byAPIVersion(s.patchWebhook, s.datoUpdate), admin...)
	e.DELETE("/webhooks/:id", s.byAPIVersion(s.deleteWebhook, s.datoDelete), admin...)
	e.POST("/webhooks/:id/rotate-secret", s.rotateSecret, admin...)
	e.POST("/webhooks/:id/test", s.postTest, admin...)
	e.GET("/webhooks/:id/deliveries", s.listDeliveries, admin...)
	e.GET("/webhooks/deliveries/:id", s.getDelivery, admin...)
	e.POST("/webhooks/deliveries/:id/resend", s.resendDelivery, admin...)
	dato := append(admin[:len(admin):len(admin)], s.datoRateLimited)
	e.GET("/webhook_calls", s.listWebhookCalls, dato...)
	e.GET("/webhook_calls/:id", s.getWebhookCall, dato...)
	e.POST("/webhook_calls/:id/resend_webhook", s.resendWebhookCall, dato...)
	e.GET("/api/v1/webhooks", s.genericList, admin...)
	e.POST("/api/v1/webhooks", s.genericCreate, admin...)
	e.GET("/api/v1/webhooks/:id", s.genericGet, admin...)
	e.PUT("/api/v1/webhooks/:id", s.genericUpdate, admin...)
	e.DELETE("/api/v1/webhooks/:id", s.genericDelete, admin...)
	e.POST("/api/v1/webhooks/:id/test", s.genericTest, admin...)
	e.POST("/api/v1/webhooks/:id/rotate-secret", s.genericRotateSecret, admin...)
}
