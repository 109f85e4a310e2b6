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
// A nil error follows the node's `resolve` edge. Reject(data) follows
// `reject` without being a failure (a condition that does not pass); any
// other error is a failure, stored as the node's result, that follows
// `reject` or, without one, ends the run with the error's status.
package operations
