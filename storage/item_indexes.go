package storage

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/hookflow/hookflow/query"
	"gorm.io/gorm"
)

// Limits on declared indexes: each costs every write of the table.
const (
	maxIndexesPerCollection = 16
	maxFieldsPerIndex       = 8
)

// indexPrefix names the expression indexes hookflow manages, so unused ones
// can be found and dropped; managedIndex is their exact shape (names are
// written into DDL, so nothing else may pass).
const indexPrefix = "items_ix_"

var managedIndex = regexp.MustCompile(`^items_ix_[0-9a-f]{16}$`)

// itemIndex is one expression index over item fields. It leads with the
// collection column, so one index serves every collection that declares
// the same fields, and its name is derived from its expressions, so
// declaring it twice creates it once.
type itemIndex struct {
	name  string
	exprs []string
}

// indexesOf checks declared indexes and builds their expressions. Fields
// are paths of plain keys: a numeric or `length` segment reads differently
// per item and could not be served by an index.
func (s *Store) indexesOf(specs [][]string) ([]itemIndex, error) {
	if len(specs) > maxIndexesPerCollection {
		return nil, fmt.Errorf("%w: at most %d indexes per collection", ErrInvalidPayload, maxIndexesPerCollection)
	}
	doc := s.dialect.root()
	out := make([]itemIndex, 0, len(specs))
	for i, spec := range specs {
		if len(spec) == 0 || len(spec) > maxFieldsPerIndex {
			return nil, fmt.Errorf("%w: indexes[%d] must list 1 to %d fields", ErrInvalidPayload, i, maxFieldsPerIndex)
		}
		exprs := make([]string, len(spec))
		for j, field := range spec {
			p, err := query.ParsePath(field)
			if err != nil {
				return nil, fmt.Errorf("%w: indexes[%d]: %v", ErrInvalidPayload, i, err)
			}
			for k, seg := range p.Segments() {
				if (k > 0 && p.Index(k) >= 0) || (k > 0 && seg == "length") {
					return nil, fmt.Errorf("%w: indexes[%d]: field %q must be a path of keys (no array index or length)",
						ErrInvalidPayload, i, field)
				}
			}
			ref, err := s.dialect.field(doc, p)
			if err != nil {
				return nil, fmt.Errorf("%w: indexes[%d]: %v", ErrInvalidPayload, i, err)
			}
			exprs[j] = ref.val.sql
		}
		sum := sha256.Sum256([]byte(strings.Join(exprs, "\x00")))
		out = append(out, itemIndex{name: indexPrefix + hex.EncodeToString(sum[:8]), exprs: exprs})
	}
	return out, nil
}

// indexesJSON is how declared indexes are stored on the collection.
func indexesJSON(specs [][]string) string {
	if specs == nil {
		specs = [][]string{}
	}
	raw, _ := json.Marshal(specs)
	return string(raw)
}

// createIndexes creates indexes that do not exist yet.
func (s *Store) createIndexes(tx *gorm.DB, indexes []itemIndex) error {
	for _, ix := range indexes {
		if err := tx.Exec(s.dialect.createIndex(ix.name, ix.exprs)).Error; err != nil {
			return fmt.Errorf("create index %s: %w", ix.name, translate(err))
		}
	}
	return nil
}

// dropUnusedIndexes drops managed indexes no collection declares any more.
func (s *Store) dropUnusedIndexes(tx *gorm.DB) error {
	var declared []string
	if err := tx.Raw("SELECT indexes FROM collections").Scan(&declared).Error; err != nil {
		return fmt.Errorf("read declared indexes: %w", translate(err))
	}
	used := map[string]bool{}
	for _, text := range declared {
		var specs [][]string
		if json.Unmarshal([]byte(text), &specs) != nil {
			continue
		}
		indexes, err := s.indexesOf(specs)
		if err != nil {
			continue
		}
		for _, ix := range indexes {
			used[ix.name] = true
		}
	}
	var existing []string
	if err := tx.Raw(s.dialect.listIndexes(), indexPrefix+"%").Scan(&existing).Error; err != nil {
		return fmt.Errorf("list indexes: %w", translate(err))
	}
	for _, name := range existing {
		if !used[name] && managedIndex.MatchString(name) {
			if err := tx.Exec("DROP INDEX IF EXISTS " + name).Error; err != nil {
				return fmt.Errorf("drop index %s: %w", name, translate(err))
			}
		}
	}
	return nil
}
