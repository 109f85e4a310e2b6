package api

import (
	"net/http"

	"github.com/hookflow/hookflow/access"
	"github.com/hookflow/hookflow/storage"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// route is one endpoint and the permission it needs: an action on a
// system collection, on the item collection of the URL (itemsOfURL), or
// admin (adminOnly).
type route struct {
	method, path string
	handler      echo.HandlerFunc
	collection   string
	action       string
}

// Pseudo-collections of the route table.
const (
	itemsOfURL = ":collection" // the collection named in the URL
	adminOnly  = "admin"       // users, roles and permissions
)

// routes registers every route of the server.
//
// Middleware is attached per route rather than through echo groups: a
// group with middleware registers catch-all routes that would answer 404
// where 405 (wrong method on a known path) is right.
//
// The table is the endpoint → permission mapping of docs/access.md: flows
// and their operations are "flows" (changing an operation updates its
// flow), run records "runs", the /collections API "collections", items
// their own collection; users, roles and permissions need an admin.
func (s *server) routes(e *echo.Echo) {
	e.GET("/server/ping", s.ping)
	e.GET("/server/health", s.health)
	e.GET("/server/info", s.info, s.requireAdmin)
	// The JSON Schema of flow files is public: editors fetch it from the
	// "$schema" line of a file, without a token.
	e.GET("/server/specs/flow-schema", s.flowSchema)
	e.GET("/server/specs/oas", s.openAPISpec)

	// The webhook trigger answers every method itself (405 names the
	// flow's method), checks access itself (public flows take unknown
	// tokens) and enforces its own body limit. A trailing slash is
	// accepted, as Directus (Express) accepts it.
	e.Any("/flows/trigger/:id", s.trigger)
	e.Any("/flows/trigger/:id/", s.trigger)

	const (
		get, post, patch, put, del = http.MethodGet, http.MethodPost, http.MethodPatch, http.MethodPut, http.MethodDelete
		read, create, update, drop = access.ActionRead, access.ActionCreate, access.ActionUpdate, access.ActionDelete
		flows, runs, collections   = storage.SystemFlows, storage.SystemRuns, storage.SystemCollections
		webhooks                   = storage.SystemWebhooks
	)
	table := []route{
		{get, "/flows", s.listFlows, flows, read},
		{post, "/flows", s.createFlows, flows, create},
		{get, "/flows/:id", s.getFlow, flows, read},
		{patch, "/flows/:id", s.patchFlow, flows, update},
		{put, "/flows/:id", s.putFlow, flows, update},
		{del, "/flows/:id", s.deleteFlow, flows, drop},
		{get, "/flows/:id/runs", s.listRuns, runs, read},
		{get, "/flows/runs", s.listAllRuns, runs, read},
		{get, "/flows/runs/:id", s.getRun, runs, read},
		// A replay reads a run and starts one: the handler also checks
		// that the caller may trigger the flow.
		{post, "/flows/runs/:id/replay", s.replayRun, runs, read},
		{post, "/flows/:id/runs/replay", s.replayRuns, runs, read},

		{get, "/operations", s.listOperations, flows, read},
		{post, "/operations", s.createOperations, flows, update},
		{get, "/operations/:id", s.getOperation, flows, read},
		{patch, "/operations/:id", s.patchOperation, flows, update},
		{del, "/operations/:id", s.deleteOperation, flows, update},

		{get, "/collections", s.listCollections, collections, read},
		{post, "/collections", s.createCollection, collections, create},
		{get, "/collections/:collection", s.getCollection, collections, read},
		{patch, "/collections/:collection", s.updateCollection, collections, update},
		{del, "/collections/:collection", s.deleteCollection, collections, drop},

		{get, "/items/:collection", s.listItems, itemsOfURL, read},
		{post, "/items/:collection", s.createItems, itemsOfURL, create},
		{patch, "/items/:collection", s.updateItems, itemsOfURL, update},
		{del, "/items/:collection", s.deleteItems, itemsOfURL, drop},
		{get, "/items/:collection/:id", s.getItem, itemsOfURL, read},
		{patch, "/items/:collection/:id", s.updateItem, itemsOfURL, update},
		{del, "/items/:collection/:id", s.deleteItem, itemsOfURL, drop},

		{get, "/users", s.listUsers, adminOnly, ""},
		{post, "/users", s.createUsers, adminOnly, ""},
		{get, "/users/:id", s.getUser, adminOnly, ""},
		{patch, "/users/:id", s.updateUser, adminOnly, ""},
		{del, "/users/:id", s.deleteUser, adminOnly, ""},
		{post, "/users/:id/token", s.rotateToken, adminOnly, ""},
		{get, "/roles", s.listRoles, adminOnly, ""},
		{post, "/roles", s.createRoles, adminOnly, ""},
		{get, "/roles/:id", s.getRole, adminOnly, ""},
		{patch, "/roles/:id", s.updateRole, adminOnly, ""},
		{del, "/roles/:id", s.deleteRole, adminOnly, ""},
		{get, "/permissions", s.listPermissions, adminOnly, ""},
		{post, "/permissions", s.createPermissions, adminOnly, ""},
		{get, "/permissions/:id", s.getPermission, adminOnly, ""},
		{patch, "/permissions/:id", s.updatePermission, adminOnly, ""},
		{del, "/permissions/:id", s.deletePermission, adminOnly, ""},
		{del, "/permissions", s.deletePermissions, adminOnly, ""},

		// Outgoing webhooks: one model in three dialects. /webhooks is
		// Directus's, or DatoCMS's when the request says X-Api-Version: 2
		// (byAPIVersion); /api/v1/webhooks is the generic API. A test send
		// makes a request, so it needs update.
		{get, "/webhooks", s.byAPIVersion(s.listWebhooks, s.datoList), webhooks, read},
		{post, "/webhooks", s.byAPIVersion(s.createWebhooks, s.datoCreate), webhooks, create},
		{del, "/webhooks", s.deleteWebhooks, webhooks, drop},
		{get, "/webhooks/:id", s.byAPIVersion(s.getWebhook, s.datoGet), webhooks, read},
		{patch, "/webhooks/:id", s.patchWebhook, webhooks, update},
		{put, "/webhooks/:id", s.byAPIVersion(s.patchWebhook, s.datoUpdate), webhooks, update},
		{del, "/webhooks/:id", s.byAPIVersion(s.deleteWebhook, s.datoDelete), webhooks, drop},
		{post, "/webhooks/:id/rotate-secret", s.rotateSecret, webhooks, update},
		{post, "/webhooks/:id/test", s.postTest, webhooks, update},
		{get, "/webhooks/:id/deliveries", s.listDeliveries, webhooks, read},
		{get, "/webhooks/deliveries/:id", s.getDelivery, webhooks, read},
		{post, "/webhooks/deliveries/:id/resend", s.resendDelivery, webhooks, update},
		{get, "/webhook_calls", s.datoRateLimited(s.listWebhookCalls), webhooks, read},
		{get, "/webhook_calls/:id", s.datoRateLimited(s.getWebhookCall), webhooks, read},
		{post, "/webhook_calls/:id/resend_webhook", s.datoRateLimited(s.resendWebhookCall), webhooks, update},
		{get, "/api/v1/webhooks", s.genericList, webhooks, read},
		{post, "/api/v1/webhooks", s.genericCreate, webhooks, create},
		{get, "/api/v1/webhooks/:id", s.genericGet, webhooks, read},
		{put, "/api/v1/webhooks/:id", s.genericUpdate, webhooks, update},
		{del, "/api/v1/webhooks/:id", s.genericDelete, webhooks, drop},
		{post, "/api/v1/webhooks/:id/test", s.genericTest, webhooks, update},
		{post, "/api/v1/webhooks/:id/rotate-secret", s.genericRotateSecret, webhooks, update},
	}
	limit := middleware.BodyLimit(s.bodyLimit())
	for _, r := range table {
		e.Add(r.method, r.path, r.handler, s.guardOf(r), limit)
	}
	// Applying flow files creates and updates flows (and deletes them
	// with prune, checked by the handler).
	e.POST("/flows/apply", s.applyFlows, s.requireEvery(flows, create, update), limit)
	e.GET("/users/me", s.me, s.requireUser)
	if s.Metrics != nil {
		e.GET("/metrics", s.metricsHandler(), s.requireMetricsReader)
	}
}

// guardOf is the middleware that checks a route's permission.
func (s *server) guardOf(r route) echo.MiddlewareFunc {
	switch r.collection {
	case adminOnly:
		return s.requireAdmin
	case itemsOfURL:
		return s.requireItems(r.action)
	default:
		return s.require(r.collection, r.action)
	}
}
