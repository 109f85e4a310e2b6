package access

import "github.com/hookflow/hookflow/storage"

// Actions a permission grants.
const (
	ActionCreate  = "create"
	ActionRead    = "read"
	ActionUpdate  = "update"
	ActionDelete  = "delete"
	ActionTrigger = "trigger" // run a flow through its webhook (collection "flows")
)

// crud are the actions on item collections and most system collections.
var crud = []string{ActionCreate, ActionRead, ActionUpdate, ActionDelete}

// actionsOf lists the actions a permission may grant on a collection.
func actionsOf(collection string) []string {
	switch collection {
	case storage.SystemFlows:
		return []string{ActionCreate, ActionRead, ActionUpdate, ActionDelete, ActionTrigger}
	case storage.SystemRuns:
		return []string{ActionRead}
	default:
		return crud
	}
}

// validAction reports whether action may be granted on collection.
func validAction(collection, action string) bool {
	for _, a := range actionsOf(collection) {
		if a == action {
			return true
		}
	}
	return false
}
