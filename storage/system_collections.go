package storage

// System collections are the names permissions give the server's own
// resources (a permission {collection: "flows", action: "read"} lets a
// role list flows). Item collections cannot take these names, so a
// permission on one of them never also grants access to items.
const (
	SystemFlows       = "flows"       // flows and their operations; "trigger" runs them
	SystemRuns        = "runs"        // run records
	SystemCollections = "collections" // the /collections API
	SystemWebhooks    = "webhooks"    // outgoing webhook subscriptions
)

// IsSystemCollection reports whether name is a system collection.
func IsSystemCollection(name string) bool {
	switch name {
	case SystemFlows, SystemRuns, SystemCollections, SystemWebhooks:
		return true
	}
	return false
}
