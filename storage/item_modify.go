package storage

import (
	"context"
	"fmt"
	"maps"

	"gorm.io/gorm"
)

// ItemSelection says which items an update or a delete touches: Keys, every
// one of which must exist (else ErrNotFound and nothing changes), or, when
// Keys is nil, Query, which may select none (its limit defaults to all).
type ItemSelection struct {
	Keys  []any
	Query *ItemQuery
}

// itemPatch is the data merged into one item.
type itemPatch struct {
	key  string
	data map[string]any
}

// UpdateItems merges data into the selected items (top-level fields are
// replaced, others kept) in one transaction and returns them as stored.
// The id cannot change.
func (s *Store) UpdateItems(ctx context.Context, collection string, sel ItemSelection, data map[string]any, opts WriteOptions) ([]map[string]any, error) {
	if data == nil {
		return nil, fmt.Errorf("%w: update data must be an object", ErrInvalidPayload)
	}
	if err := CheckCollectionName(collection); err != nil {
		return nil, err
	}
	sel, data, err := s.filterUpdate(ctx, collection, sel, data, opts)
	if err != nil {
		return nil, err
	}
	out, err := s.modify(ctx, collection, sel, func(w *writeTx, rows []storedItem) (any, []ItemEvent, error) {
		patches := make([]itemPatch, len(rows))
		for i, r := range rows {
			patches[i] = itemPatch{key: r.key, data: data}
		}
		updated, err := s.applyUpdate(w, collection, rows, patches)
		if err != nil || opts.Quiet || len(updated) == 0 {
			return updated, nil, err
		}
		ids := make([]any, len(updated))
		for i, it := range updated {
			ids[i] = it["id"]
		}
		return updated, []ItemEvent{{
			Action: "update", Collection: collection, Keys: ids, Payload: data,
			Items: updated, Accountability: opts.Accountability,
		}}, nil
	})
	if err != nil {
		return nil, err
	}
	return out.([]map[string]any), nil
}

// modify runs a write over the items sel selects, read inside the write's
// own transaction.
func (s *Store) modify(ctx context.Context, collection string, sel ItemSelection,
	apply func(w *writeTx, rows []storedItem) (any, []ItemEvent, error),
) (any, error) {
	if err := CheckCollectionName(collection); err != nil {
		return nil, err
	}
	keys, err := keysOf(sel.Keys)
	if err != nil {
		return nil, err
	}
	if sel.Query != nil {
		// The selection's read is bounded like any item query; the write
		// itself is not (stopping it would roll back its whole batch).
		var cancel context.CancelFunc
		ctx, cancel = s.queryContext(ctx)
		defer cancel()
	}
	out, err := s.items.do(ctx, collection, func(w *writeTx) (any, []ItemEvent, error) {
		rows, err := s.selectForWrite(w, collection, keys, sel.Query)
		if err != nil {
			return nil, nil, err
		}
		return apply(w, rows)
	})
	return out, s.queryError(ctx, err)
}

// UpdateEach merges each object of items into the stored item with its id
// (PATCH /items/{c} with an array), all in one transaction.
func (s *Store) UpdateEach(ctx context.Context, collection string, items []map[string]any, opts WriteOptions) ([]map[string]any, error) {
	if err := CheckCollectionName(collection); err != nil {
		return nil, err
	}
	patches := make([]itemPatch, len(items))
	keys := make([]string, len(items))
	seen := make(map[string]bool, len(items))
	for i, it := range items {
		id, ok := it["id"]
		if !ok || id == nil {
			return nil, fmt.Errorf("%w: item %d has no id", ErrInvalidPayload, i)
		}
		key, err := itemKey(id)
		if err != nil {
			return nil, err
		}
		if seen[key] {
			return nil, fmt.Errorf("%w: item %s is given twice", ErrInvalidPayload, key)
		}
		seen[key] = true
		keys[i] = key
	}
	items, err := s.filterEach(ctx, collection, keys, items, opts)
	if err != nil {
		return nil, err
	}
	for i, it := range items {
		patches[i] = itemPatch{key: keys[i], data: it}
	}
	out, err := s.items.do(ctx, collection, func(w *writeTx) (any, []ItemEvent, error) {
		rows, err := s.selectForWrite(w, collection, keys, nil)
		if err != nil {
			return nil, nil, err
		}
		updated, err := s.applyUpdate(w, collection, rows, patches)
		if err != nil || opts.Quiet {
			return updated, nil, err
		}
		events := make([]ItemEvent, len(updated))
		for i, it := range updated {
			events[i] = ItemEvent{
				Action:         "update",
				Collection:     collection,
				Keys:           []any{it["id"]},
				Payload:        patches[i].data,
				Items:          updated[i : i+1],
				Accountability: opts.Accountability,
			}
		}
		return updated, events, nil
	})
	if err != nil {
		return nil, err
	}
	return out.([]map[string]any), nil
}

// applyUpdate merges patches[i] into rows[i], validates and writes them.
func (s *Store) applyUpdate(w *writeTx, collection string, rows []storedItem, patches []itemPatch) ([]map[string]any, error) {
	if len(rows) == 0 {
		return []map[string]any{}, nil
	}
	col, err := w.collection(collection, false)
	if err != nil {
		return nil, err
	}
	schema, err := s.schema(col)
	if err != nil {
		return nil, err
	}
	updated := make([]map[string]any, len(rows))
	var invalid []FieldError
	for i, r := range rows {
		merged := maps.Clone(r.item)
		for k, v := range patches[i].data {
			merged[k] = v
		}
		if id, given := patches[i].data["id"]; given {
			if k, err := itemKey(id); err != nil || k != r.key {
				return nil, fmt.Errorf("%w: the id of item %s cannot change", ErrInvalidPayload, r.key)
			}
			merged["id"] = r.item["id"] // keep the id as first written
		}
		if schema != nil {
			prefix := ""
			if len(rows) > 1 {
				prefix = fmt.Sprintf("[%d]", i)
			}
			invalid = append(invalid, validateItem(schema, merged, prefix)...)
		}
		updated[i] = merged
	}
	if len(invalid) > 0 {
		return nil, &ValidationError{Collection: collection, Fields: invalid}
	}
	for i, r := range rows {
		body, err := marshalJSON(updated[i])
		if err != nil {
			return nil, fmt.Errorf("%w: encode item: %v", ErrInvalidPayload, err)
		}
		if tooDeep(body) {
			return nil, errTooDeep("item " + r.key + " of " + collection)
		}
		if err := w.tx.Exec("UPDATE items SET data = ? WHERE seq = ?", string(body), r.seq).Error; err != nil {
			return nil, fmt.Errorf("update item %s of %s: %w", r.key, collection, translate(err))
		}
	}
	return updated, nil
}

// DeleteItems removes the selected items in one transaction and returns
// their ids.
func (s *Store) DeleteItems(ctx context.Context, collection string, sel ItemSelection, opts WriteOptions) ([]any, error) {
	if err := CheckCollectionName(collection); err != nil {
		return nil, err
	}
	sel, err := s.filterDelete(ctx, collection, sel, opts)
	if err != nil {
		return nil, err
	}
	out, err := s.modify(ctx, collection, sel, func(w *writeTx, rows []storedItem) (any, []ItemEvent, error) {
		ids := make([]any, len(rows))
		seqs := make([]any, len(rows))
		gone := make([]map[string]any, len(rows))
		for i, r := range rows {
			ids[i], seqs[i], gone[i] = r.item["id"], r.seq, r.item
		}
		for start := 0; start < len(seqs); start += maxInsertRows {
			chunk := seqs[start:min(start+maxInsertRows, len(seqs))]
			list := make([]sqlExpr, len(chunk))
			for i, seq := range chunk {
				list[i] = arg(seq)
			}
			stmt := sqlf("DELETE FROM items WHERE seq IN (%s)", sqlJoin(", ", list))
			if err := w.tx.Exec(stmt.sql, stmt.args...).Error; err != nil {
				return nil, nil, fmt.Errorf("delete items of %s: %w", collection, translate(err))
			}
		}
		if opts.Quiet || len(ids) == 0 {
			return ids, nil, nil
		}
		return ids, []ItemEvent{{
			Action: "delete", Collection: collection, Keys: ids, Payload: ids,
			Items: gone, Accountability: opts.Accountability,
		}}, nil
	})
	if err != nil {
		return nil, err
	}
	return out.([]any), nil
}

// selectForWrite reads the items a write touches, inside its transaction:
// by keys (in the order given, each required to exist) or by query. The
// read stops when the write's caller goes away, and then nothing is
// written.
func (s *Store) selectForWrite(w *writeTx, collection string, keys []string, q *ItemQuery) ([]storedItem, error) {
	rows, err := s.selectRowsForWrite(w.reader(), collection, keys, q)
	if err == nil && w.ctx != nil {
		err = w.ctx.Err()
	}
	if err != nil {
		return nil, err
	}
	return rows, nil
}

// selectRowsForWrite is selectForWrite's read.
func (s *Store) selectRowsForWrite(tx *gorm.DB, collection string, keys []string, q *ItemQuery) ([]storedItem, error) {
	if keys == nil {
		if q == nil {
			return nil, fmt.Errorf("%w: a write needs keys or a query", ErrInvalidPayload)
		}
		sel := *q
		where, err := s.where(collection, sel)
		if err != nil {
			return nil, err
		}
		def := sel.DefaultLimit
		if def == 0 {
			def = -1
		}
		p := sel.Params
		if p == nil {
			return s.selectItems(tx, where, nil, def, 0)
		}
		limit, offset := p.Window(def)
		return s.selectItems(tx, where, p, limit, offset)
	}
	if len(keys) == 0 {
		return nil, nil
	}
	anyKeys := make([]any, len(keys))
	for i, k := range keys {
		anyKeys[i] = k
	}
	where, err := s.where(collection, ItemQuery{Keys: anyKeys})
	if err != nil {
		return nil, err
	}
	rows, err := s.selectItems(tx, where, nil, -1, 0)
	if err != nil {
		return nil, err
	}
	byKey := make(map[string]storedItem, len(rows))
	for _, r := range rows {
		byKey[r.key] = r
	}
	out := make([]storedItem, 0, len(keys))
	seen := make(map[string]bool, len(keys))
	for _, k := range keys {
		r, ok := byKey[k]
		if !ok {
			return nil, fmt.Errorf("item %s of %s: %w", k, collection, ErrNotFound)
		}
		if !seen[k] {
			seen[k] = true
			out = append(out, r)
		}
	}
	return out, nil
}
