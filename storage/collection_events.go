package storage

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
