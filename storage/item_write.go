package storage

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strconv"

	"gorm.io/gorm"
)

// maxInsertRows bounds the rows of one INSERT statement.
const maxInsertRows = 200

// newItem is an item to create, encoded by the caller so that the writer
// goroutine, which every write waits on, does as little as possible.
type newItem struct {
	item map[string]any // as written; never changed
	key  string         // "" when the writer assigns the id
	body []byte         // the item as JSON (without id when key is "")
}

// CreateItems stores new items in one transaction and returns them as
// stored: as written plus `id`, which is taken from the item when given
// (a string or an integer) and else is the collection's next integer. The
// collection is created on its first write. Nothing is stored when one item
// fails (ValidationError, ErrConflict for an id in use, ErrInvalidPayload).
func (s *Store) CreateItems(ctx context.Context, collection string, items []map[string]any, opts WriteOptions) ([]map[string]any, error) {
	if err := CheckCollectionName(collection); err != nil {
		return nil, err
	}
	items, err := s.filterCreate(ctx, collection, items, opts)
	if err != nil {
		return nil, err
	}
	prepared := make([]newItem, len(items))
	for i, it := range items {
		if it == nil {
			return nil, fmt.Errorf("%w: item %d is not an object", ErrInvalidPayload, i)
		}
		n := newItem{item: it}
		body := it
		if id, given := it["id"]; given && id != nil {
			key, err := itemKey(id)
			if err != nil {
				return nil, err
			}
			n.key = key
		} else if given {
			// "id": null asks for an assigned id.
			body = maps.Clone(it)
			delete(body, "id")
		}
		raw, err := marshalJSON(body)
		if err != nil {
			return nil, fmt.Errorf("%w: encode item: %v", ErrInvalidPayload, err)
		}
		if tooDeep(raw) {
			which := "the item"
			if len(items) > 1 {
				which = "item [" + strconv.Itoa(i) + "]"
			}
			return nil, errTooDeep(which)
		}
		n.body = raw
		prepared[i] = n
	}
	out, err := s.items.do(ctx, collection, func(w *writeTx) (any, []ItemEvent, error) {
		return s.applyCreate(w, collection, prepared, opts)
	})
	if err != nil {
		return nil, err
	}
	return out.([]map[string]any), nil
}

// applyCreate is CreateItems inside the writer's transaction.
func (s *Store) applyCreate(w *writeTx, collection string, items []newItem, opts WriteOptions) (any, []ItemEvent, error) {
	col, err := w.collection(collection, true)
	if err != nil {
		return nil, nil, err
	}
	schema, err := s.schema(col)
	if err != nil {
		return nil, nil, err
	}
	lastID := col.LastID
	created := make([]map[string]any, len(items))
	keys := make([]string, len(items))
	bodies := make([][]byte, len(items))
	var invalid []FieldError
	for i, n := range items {
		stored := n.item
		key, body := n.key, n.body
		if key == "" {
			if lastID >= maxSafeID {
				return nil, nil, fmt.Errorf("%w: the integer ids of %s are used up to 2^53: give the item an id", ErrInvalidPayload, collection)
			}
			lastID++
			key = strconv.FormatInt(lastID, 10)
			body = withLeadingID(body, key)
			stored = maps.Clone(n.item)
			stored["id"] = float64(lastID)
		} else if k, isInt := integerKey(key); isInt && k > lastID && k <= maxSafeID {
			// Integer strings beyond 2^53 ("1234567890123456789", a
			// snowflake) cannot meet an assigned id, which stays below.
			lastID = k
		}
		if schema != nil {
			prefix := ""
			if len(items) > 1 {
				prefix = "[" + strconv.Itoa(i) + "]"
			}
			invalid = append(invalid, validateItem(schema, stored, prefix)...)
		}
		created[i], keys[i], bodies[i] = stored, key, body
	}
	if len(invalid) > 0 {
		return nil, nil, &ValidationError{Collection: collection, Fields: invalid}
	}
	if err := insertItems(w.tx, collection, keys, bodies); err != nil {
		return nil, nil, err
	}
	if lastID != col.LastID {
		w.setLastID(collection, lastID)
	}
	var events []ItemEvent
	if !opts.Quiet {
		events = make([]ItemEvent, len(created))
		for i, it := range created {
			events[i] = ItemEvent{
				Action:         "create",
				Collection:     collection,
				Keys:           []any{it["id"]},
				Payload:        it,
				Accountability: opts.Accountability,
			}
		}
	}
	return created, events, nil
}

// withLeadingID writes an assigned id into an encoded object as its first
// member, without decoding it again.
func withLeadingID(body []byte, key string) []byte {
	out := make([]byte, 0, len(body)+len(key)+8)
	out = append(out, `{"id":`...)
	out = append(out, key...)
	if len(body) > 2 {
		out = append(out, ',')
	}
	return append(out, body[1:]...)
}

// insertItems inserts rows in multi-row statements.
func insertItems(tx *gorm.DB, collection string, keys []string, bodies [][]byte) error {
	for start := 0; start < len(keys); start += maxInsertRows {
		end := min(start+maxInsertRows, len(keys))
		stmt := appendRows([]byte("INSERT INTO items (collection, key, data) VALUES "), end-start, 3)
		args := make([]any, 0, 3*(end-start))
		for i := start; i < end; i++ {
			args = append(args, collection, keys[i], string(bodies[i]))
		}
		if err := tx.Exec(string(stmt), args...).Error; err != nil {
			if isUniqueViolation(err) {
				if end-start == 1 {
					return fmt.Errorf("an item with id %s already exists in %s: %w", keys[start], collection, ErrConflict)
				}
				return fmt.Errorf("an item with one of these ids already exists in %s: %w", collection, ErrConflict)
			}
			return fmt.Errorf("insert items into %s: %w", collection, translate(err))
		}
	}
	return nil
}

// isUniqueViolation reports a duplicate key, whether or not gorm translated
// it.
func isUniqueViolation(err error) bool {
	return errors.Is(translate(err), ErrConflict) || sqliteUniqueViolation(err) || postgresUniqueViolation(err)
}
