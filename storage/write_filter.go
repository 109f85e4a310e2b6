package storage

import (
	"context"
	"fmt"
)

// WriteFilter shows item writes to the flows that filter them (event flows
// of type "filter") before the writes are made, and lets those flows
// change or refuse them.
//
// The flows run on the caller's goroutine before the write is handed to
// the item writer, never inside the writer's transaction: every write of
// the server waits on that one goroutine, so a slow flow there would stall
// them all, and a flow that writes items itself would wait for its own
// write forever. "Before the write commits" therefore means before it is
// made: what the flows see is the write as asked, a refusal means nothing
// was written, and what a filter flow itself did (items it wrote,
// requests it sent) stays done even when the write then fails (a
// duplicate id, the collection's schema). docs/operations.md says the same
// for flow authors.
type WriteFilter interface {
	// Filters reports whether any flow filters action ("create", "update",
	// "delete") on collection. It is asked on every write that announces
	// itself and must be cheap.
	Filters(action, collection string) bool
	// FilterWrite runs those flows over a write. It may replace the
	// payloads of w.Changes; an error cancels the write.
	FilterWrite(ctx context.Context, w *PendingWrite) error
}

// PendingWrite is an item write not made yet, as filter flows see it.
type PendingWrite struct {
	// Action is "create", "update" or "delete".
	Action     string
	Collection string
	// Accountability is the writer's {user, role}.
	Accountability map[string]any
	// Changes are the write's parts, one per event the write raises: each
	// created item; an update's data (once for all its keys, or once per
	// item of an update of several items by id); a delete's keys.
	Changes []Change
}

// Change is one part of a PendingWrite.
type Change struct {
	// Keys are the ids an update or a delete touches; nil for creates.
	Keys []any
	// Payload is the created item, the update's data or the deleted keys
	// (Directus's filter payloads). A filter flow may replace an item or
	// an update's data with another object.
	Payload any
}

// filters reports whether a write that announces itself goes through the
// write filter.
func (s *Store) filters(action, collection string, opts WriteOptions) bool {
	return s.filter != nil && !opts.Quiet && s.filter.Filters(action, collection)
}

// filterWrite runs the filter over a write and returns its changes as the
// flows left them.
func (s *Store) filterWrite(ctx context.Context, action, collection string, opts WriteOptions, changes []Change) ([]Change, error) {
	w := &PendingWrite{
		Action:         action,
		Collection:     collection,
		Accountability: opts.Accountability,
		Changes:        changes,
	}
	if err := s.filter.FilterWrite(ctx, w); err != nil {
		return nil, err
	}
	return w.Changes, nil
}

// filteredObject is a change's payload after filtering, which must still be
// an object (an item or an update's data).
func filteredObject(c Change, what string) (map[string]any, error) {
	m, ok := c.Payload.(map[string]any)
	if !ok || m == nil {
		return nil, fmt.Errorf("%w: %s must be an object after the filter flows", ErrInvalidPayload, what)
	}
	return m, nil
}

// keysForFilter turns a write's selection by query into the keys it
// selects now, so that filter flows see the keys (as Directus gives
// them); the write then touches those of them that still exist. Reads
// through the read pool, bounded like any item query.
func (s *Store) keysForFilter(ctx context.Context, collection string, sel ItemSelection) (ItemSelection, []any, error) {
	if sel.Query == nil || sel.Keys != nil {
		return sel, sel.Keys, nil
	}
	qctx, cancel := s.queryContext(ctx)
	defer cancel()
	rows, err := s.selectRowsForWrite(s.read.WithContext(qctx), collection, nil, sel.Query)
	if err != nil {
		return sel, nil, s.queryError(qctx, err)
	}
	keys := make([]any, len(rows))
	for i, r := range rows {
		keys[i] = r.item["id"]
	}
	return ItemSelection{Query: &ItemQuery{Keys: keys, Env: sel.Query.Env, DefaultLimit: -1}}, keys, nil
}

// filterCreate runs the filter over a create: one change per item, each of
// which a flow may replace.
func (s *Store) filterCreate(ctx context.Context, collection string, items []map[string]any, opts WriteOptions) ([]map[string]any, error) {
	if !s.filters("create", collection, opts) {
		return items, nil
	}
	changes := make([]Change, len(items))
	for i, it := range items {
		if it == nil {
			return nil, fmt.Errorf("%w: item %d is not an object", ErrInvalidPayload, i)
		}
		changes[i] = Change{Payload: it}
	}
	changes, err := s.filterWrite(ctx, "create", collection, opts, changes)
	if err != nil {
		return nil, err
	}
	out := make([]map[string]any, len(changes))
	for i, c := range changes {
		if out[i], err = filteredObject(c, fmt.Sprintf("item %d", i)); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// filterUpdate runs the filter over an update of the selected items with
// one data object: one change, whose data a flow may replace.
func (s *Store) filterUpdate(ctx context.Context, collection string, sel ItemSelection, data map[string]any, opts WriteOptions) (ItemSelection, map[string]any, error) {
	if !s.filters("update", collection, opts) {
		return sel, data, nil
	}
	sel, keys, err := s.keysForFilter(ctx, collection, sel)
	if err != nil || len(keys) == 0 {
		return sel, data, err
	}
	changes, err := s.filterWrite(ctx, "update", collection, opts, []Change{{Keys: keys, Payload: data}})
	if err != nil {
		return sel, nil, err
	}
	data, err = filteredObject(changes[0], "the update's data")
	return sel, data, err
}

// filterEach runs the filter over an update of several items by id (keys
// in the order of items): one change per item.
func (s *Store) filterEach(ctx context.Context, collection string, keys []string, items []map[string]any, opts WriteOptions) ([]map[string]any, error) {
	if !s.filters("update", collection, opts) {
		return items, nil
	}
	changes := make([]Change, len(items))
	for i, it := range items {
		changes[i] = Change{Keys: []any{it["id"]}, Payload: it}
	}
	changes, err := s.filterWrite(ctx, "update", collection, opts, changes)
	if err != nil {
		return nil, err
	}
	out := make([]map[string]any, len(changes))
	for i, c := range changes {
		if out[i], err = filteredObject(c, "the data of item "+keys[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// filterDelete runs the filter over a delete: one change whose payload is
// the keys (flows may refuse a delete, not change it).
func (s *Store) filterDelete(ctx context.Context, collection string, sel ItemSelection, opts WriteOptions) (ItemSelection, error) {
	if !s.filters("delete", collection, opts) {
		return sel, nil
	}
	sel, keys, err := s.keysForFilter(ctx, collection, sel)
	if err != nil || len(keys) == 0 {
		return sel, err
	}
	_, err = s.filterWrite(ctx, "delete", collection, opts, []Change{{Keys: keys, Payload: keys}})
	return sel, err
}
