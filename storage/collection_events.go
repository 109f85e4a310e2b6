package storage

import "github.com/hookflow/hookflow/events"

// CollectionEvent is a committed creation, change or deletion of a
// collection, handed to Config.OnCollectionEvent after the commit.
type CollectionEvent struct {
	// Action is "create", "update" or "delete".
	Action string
	// Collection is the collection as created or changed, or as it was
	// before its deletion.
	Collection *Collection
}

// announceCollection hands a committed collection change to
// Config.OnCollectionEvent.
func (s *Store) announceCollection(action string, c *Collection) {
	if s.onCollectionEvent != nil && c != nil {
		s.onCollectionEvent(CollectionEvent{Action: action, Collection: c})
	}
}

// EventPayload is what a collection's events carry: its name, schema and
// indexes.
func (c *Collection) EventPayload() map[string]any {
	indexes := make([]any, len(c.Indexes))
	for i, fields := range c.Indexes {
		list := make([]any, len(fields))
		for j, f := range fields {
			list[j] = f
		}
		indexes[i] = list
	}
	return map[string]any{"collection": c.Name, "schema": c.Schema, "indexes": indexes}
}

// oweCollectionEvent adds the runs of the flows a collection change starts
// (collections.create, collections.update, collections.delete) to the
// change's own write. row is the collection as written, or as it was
// before its deletion.
func (s *Store) oweCollectionEvent(w *writeTx, action string, row *collectionRow) error {
	if s.runOutbox == nil {
		return nil
	}
	c, err := toCollection(row)
	if err != nil {
		c = &Collection{Name: row.Name, Indexes: [][]string{}}
	}
	return s.oweEvent(w, events.Event{
		Name:       "collections." + action,
		Collection: c.Name,
		Keys:       []any{c.Name},
		Payload:    c.EventPayload(),
	})
}
