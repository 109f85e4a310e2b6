package storage

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/hookflow/hookflow/jsonnum"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"gorm.io/gorm"
)

// collectionRow is a collection: its optional JSON Schema (as JSON text),
// its expression indexes, and the last auto-assigned integer id. Items live
// in the items table (items.go).
type collectionRow struct {
	Name      string  `gorm:"primaryKey"`
	Schema    *string `gorm:"column:schema"`
	Indexes   string  `gorm:"column:indexes"`
	LastID    int64   `gorm:"column:last_id"`
	CreatedAt time.Time
}

func (collectionRow) TableName() string { return "collections" }

// loadCollection reads a collection; ErrNotFound when it does not exist.
func loadCollection(tx *gorm.DB, name string) (*collectionRow, error) {
	return loadCollectionFor(tx, name, "")
}

// reloadCollection writes the collection's cached counter back and reads
// its row afresh, for a write that changes the row itself (its schema and
// indexes, or its deletion); ErrNotFound when it does not exist.
func (w *writeTx) reloadCollection(name string) (*collectionRow, error) {
	if err := w.forget(name); err != nil {
		return nil, err
	}
	return loadCollection(w.tx, name)
}

// loadCollectionFor reads a collection inside a write, lock (engine.lockRow)
// ending the SELECT.
func loadCollectionFor(tx *gorm.DB, name, lock string) (*collectionRow, error) {
	var rows []collectionRow
	if err := tx.Raw("SELECT name, schema, indexes, last_id, created_at FROM collections WHERE name = ?"+lock, name).
		Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("read collection %s: %w", name, translate(err))
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("collection %s: %w", name, ErrNotFound)
	}
	return &rows[0], nil
}

// schema returns the collection's compiled schema, or nil.
func (s *Store) schema(row *collectionRow) (*jsonschema.Schema, error) {
	if row.Schema == nil {
		return nil, nil
	}
	doc, err := jsonnum.Decode([]byte(*row.Schema))
	if err != nil {
		return nil, fmt.Errorf("decode schema of %s: %w", row.Name, err)
	}
	return s.schemas.get(*row.Schema, doc)
}

// toCollection turns a row into the API value.
func toCollection(row *collectionRow) (*Collection, error) {
	c := &Collection{Name: row.Name, Indexes: [][]string{}}
	if row.Schema != nil {
		if err := jsonnum.Unmarshal([]byte(*row.Schema), &c.Schema); err != nil {
			return nil, fmt.Errorf("decode schema of %s: %w", row.Name, err)
		}
	}
	if row.Indexes != "" {
		if err := json.Unmarshal([]byte(row.Indexes), &c.Indexes); err != nil {
			return nil, fmt.Errorf("decode indexes of %s: %w", row.Name, err)
		}
	}
	return c, nil
}

// CreateCollection creates a collection; ErrConflict when it exists.
func (s *Store) CreateCollection(ctx context.Context, c Collection) (*Collection, error) {
	if err := CheckCollectionName(c.Name); err != nil {
		return nil, err
	}
	row := &collectionRow{Name: c.Name, CreatedAt: time.Now().UTC()}
	if err := s.setSchema(row, c.Schema); err != nil {
		return nil, err
	}
	indexes, err := s.indexesOf(c.Indexes)
	if err != nil {
		return nil, err
	}
	row.Indexes = indexesJSON(c.Indexes)
	_, err = s.items.doOn(ctx, c.Name, func(w *writeTx) (any, []ItemEvent, error) {
		tx := w.tx
		if err := w.forget(c.Name); err != nil {
			return nil, nil, err
		}
		if _, err := loadCollection(tx, c.Name); err == nil {
			return nil, nil, fmt.Errorf("collection %s already exists: %w", c.Name, ErrConflict)
		}
		if err := tx.Create(row).Error; err != nil {
			return nil, nil, fmt.Errorf("create collection %s: %w", c.Name, translate(err))
		}
		if err := s.createIndexes(tx, indexes); err != nil {
			return nil, nil, err
		}
		return nil, nil, s.oweCollectionEvent(w, "create", row)
	})
	if err != nil {
		return nil, err
	}
	created, err := toCollection(row)
	if err != nil {
		return nil, err
	}
	s.announceCollection("create", created)
	return created, nil
}

// UpdateCollection changes a collection's schema or indexes. A new schema
// applies to later writes; stored items are not checked again.
func (s *Store) UpdateCollection(ctx context.Context, name string, p CollectionPatch) (*Collection, error) {
	if err := CheckCollectionName(name); err != nil {
		return nil, err
	}
	probe := &collectionRow{}
	if p.HasSchema {
		if err := s.setSchema(probe, p.Schema); err != nil {
			return nil, err
		}
	}
	indexes, err := s.indexesOf(p.Indexes)
	if err != nil {
		return nil, err
	}
	out, err := s.items.doOn(ctx, name, func(w *writeTx) (any, []ItemEvent, error) {
		tx := w.tx
		row, err := w.reloadCollection(name)
		if err != nil {
			return nil, nil, err
		}
		if p.HasSchema {
			row.Schema = probe.Schema
		}
		if p.HasIndexes {
			row.Indexes = indexesJSON(p.Indexes)
			if err := s.createIndexes(tx, indexes); err != nil {
				return nil, nil, err
			}
		}
		if err := tx.Model(row).Select("schema", "indexes").Updates(row).Error; err != nil {
			return nil, nil, fmt.Errorf("update collection %s: %w", name, translate(err))
		}
		if p.HasIndexes {
			if err := s.dropUnusedIndexes(tx); err != nil {
				return nil, nil, err
			}
		}
		return row, nil, s.oweCollectionEvent(w, "update", row)
	})
	if err != nil {
		return nil, err
	}
	updated, err := toCollection(out.(*collectionRow))
	if err != nil {
		return nil, err
	}
	s.announceCollection("update", updated)
	return updated, nil
}

// setSchema checks a schema document and stores its text on row.
func (s *Store) setSchema(row *collectionRow, schema any) error {
	if schema == nil {
		row.Schema = nil
		return nil
	}
	text, err := marshalJSON(schema)
	if err != nil {
		return fmt.Errorf("%w: schema: %v", ErrInvalidPayload, err)
	}
	if _, err := s.schemas.get(string(text), schema); err != nil {
		return err
	}
	t := string(text)
	row.Schema = &t
	return nil
}

// GetCollection reads a collection.
func (s *Store) GetCollection(ctx context.Context, name string) (*Collection, error) {
	if err := CheckCollectionName(name); err != nil {
		return nil, err
	}
	row, err := loadCollection(s.read.WithContext(ctx), name)
	if err != nil {
		return nil, err
	}
	return toCollection(row)
}

// ListCollections reads every collection by name.
func (s *Store) ListCollections(ctx context.Context) ([]*Collection, error) {
	var rows []collectionRow
	if err := s.read.WithContext(ctx).Order("name" + s.engine.byteOrder).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("list collections: %w", translate(err))
	}
	out := make([]*Collection, 0, len(rows))
	for i := range rows {
		c, err := toCollection(&rows[i])
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// DeleteCollection removes a collection and all its items (without item
// events: the collection is gone, not edited).
func (s *Store) DeleteCollection(ctx context.Context, name string) error {
	if err := CheckCollectionName(name); err != nil {
		return err
	}
	out, err := s.items.do(ctx, name, func(w *writeTx) (any, []ItemEvent, error) {
		tx := w.tx
		row, err := w.reloadCollection(name)
		if err != nil {
			return nil, nil, err
		}
		if err := tx.Exec("DELETE FROM collections WHERE name = ?", name).Error; err != nil {
			return nil, nil, fmt.Errorf("delete collection %s: %w", name, translate(err))
		}
		if err := tx.Exec("DELETE FROM items WHERE collection = ?", name).Error; err != nil {
			return nil, nil, fmt.Errorf("delete items of %s: %w", name, translate(err))
		}
		if err := s.dropUnusedIndexes(tx); err != nil {
			return nil, nil, err
		}
		return row, nil, s.oweCollectionEvent(w, "delete", row)
	})
	if err != nil {
		return err
	}
	if s.onCollectionEvent != nil {
		// The collection is gone: a record that cannot be read back is
		// announced by its name.
		was, decodeErr := toCollection(out.(*collectionRow))
		if decodeErr != nil {
			was = &Collection{Name: name, Indexes: [][]string{}}
		}
		s.announceCollection("delete", was)
	}
	return nil
}
