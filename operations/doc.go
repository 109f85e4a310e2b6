// Package operations holds the Operation interface, the explicit Registry the
// server is wired with, and the built-in operation types, one file each.
//
// An operation type turns a node's options into a Step once, when its flow
// is saved (Prepare: check the options, compile filters and other
// structures); the engine then calls Step.Run for every run with the node's
// options rendered against the data chain. Values handed to a step (its
// options and the data chain) are shared and must be treated as read-only:
// copy before changing.
//
// Values an operation renders itself (Value.Render) or builds from the
// chain (exec results) are bounded by RunInfo.MaxRenderSize (render.go):
// past it, the step fails with RENDER_TOO_LARGE (ErrRenderTooLarge).
//
// A nil error follows the node's `resolve` edge. Reject(data) follows
// `reject` without being a failure (a condition that does not pass); any
// other error is a failure, stored as the node's result, that follows
// `reject` or, without one, ends the run with the error's status.
//
// The item operations (item_create.go, item_read.go, item_update.go,
// item_delete.go) share items.go (options, permissions through an
// ItemGuard, mapping store errors to statuses) and item_query.go (the
// `query` option, parsed by the query package's ParseParams).
package operations
