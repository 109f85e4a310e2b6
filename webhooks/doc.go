// Package webhooks is hookflow's outgoing webhooks: "when event E happens,
// deliver an HTTP request to URL U", durably, signed and retried (docs/webhooks.md).
//
// One subscription model (storage.Subscription) serves three API
// dialects (Directus, DatoCMS, the generic /api/v1); the api package holds
// the thin adapters, this package the rules. A newcomer can read it in
// this order:
//
//   - fields.go, fields_values.go: how a client's JSON becomes a
//     subscription (lists as arrays or CSV, headers as an object or a
//     Directus list) and what is checked; manage.go: create, update,
//     delete, rotate a secret, resend; test_delivery.go: the synchronous
//     test.
//   - match.go, events_spec.go: matching. Directus actions × collections,
//     event-name patterns with * wildcards ("orders.created", "user.*",
//     "*"), and DatoCMS event objects with entity_ids filters (item_type
//     ids are collections, item ids item keys). Item events are named
//     "<collection>.created|updated|deleted" and also match their Directus
//     names "items.create|update|delete".
//   - snapshot.go: the subscriptions as the engine sees them, indexed by
//     collection and replaced whole on every change, so an item write to a
//     collection nobody subscribes to costs one map lookup.
//   - outbox.go: the transactional outbox. The service is the store's
//     storage.Outbox: an item write's deliveries are inserted inside the
//     write's own transaction, before anything is sent. Other events
//     take the same way through storage.StoreEvent (EventDeliveries): the
//     emit step stores its event's deliveries before it succeeds, the
//     service its system.alert, and collection events are stored as the
//     bus announces them.
//   - dispatcher.go (with dispatcher_notes.go and dispatcher_claim.go):
//     takes committed deliveries from the outbox, claims due ones from the
//     table, and starts attempts per subscription below its concurrency
//     cap; results.go records outcomes in group commits and applies the
//     disable rules; retry.go decides the next attempt (schedule, jitter,
//     Retry-After, 410); service.go starts and stops it all.
//   - send.go, signing.go, payload.go, classify.go: one attempt: the body
//     in the subscription's payload format, the Standard Webhooks and
//     X-Webhook-Signature headers signed afresh, the response logged, the
//     failure classified.
//
// dispatcher_leases.go holds what a database shared by several servers
// adds: leased deliveries and slots, renewed, taken over when expired.
//
// Delivery is at least once: a delivery is released only after its
// outcome is committed, and after a crash every delivery still pending is
// attempted again, with the same webhook-id so receivers can de-duplicate.
package webhooks
