package storage

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/hookflow/hookflow/query"
)

// ErrInvalidPayload is wrapped by errors about the shape of a write: a
// payload that is not an object or an array, an id that is not a string or
// an integer, an invalid collection name or schema.
var ErrInvalidPayload = errors.New("invalid payload")

// collectionName is what a collection may be called: an identifier, so it
// reads the same in URLs, filters and any future per-collection table.
var collectionName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,63}$`)

// CheckCollectionName reports whether name may name a collection: an
// identifier that is not a system collection. A refused name is a
// *CollectionNameError.
func CheckCollectionName(name string) error {
	if !collectionName.MatchString(name) {
		return &CollectionNameError{Name: name, Reason: "must start with a letter or _ and hold at most 64 letters, digits or _"}
	}
	if IsSystemCollection(name) {
		return &CollectionNameError{Name: name, Reason: "is reserved: permissions use it for the server's own " + name}
	}
	return nil
}

// CollectionNameError is a name the store refuses for a collection; it
// wraps ErrInvalidPayload.
type CollectionNameError struct {
	Name   string
	Reason string
}

// Error is ErrInvalidPayload's text followed by Problem.
func (e *CollectionNameError) Error() string { return ErrInvalidPayload.Error() + ": " + e.Problem() }

// Problem says what is wrong with the name, for lists of findings that
// say "invalid" themselves.
func (e *CollectionNameError) Problem() string {
	return fmt.Sprintf("collection name %q %s", e.Name, e.Reason)
}

// Unwrap returns ErrInvalidPayload.
func (e *CollectionNameError) Unwrap() error { return ErrInvalidPayload }

// ValidationError lists the fields of written items that break their
// collection's JSON Schema. Nothing of the write was stored.
type ValidationError struct {
	Collection string
	Fields     []FieldError
}

// FieldError is one broken rule: Field is the field's path ("email",
// "address.city"), prefixed with the item's index for an array payload
// ("[2].email"); "" is the item as a whole.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Error lists every finding.
func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		if f.Field == "" {
			parts[i] = f.Message
		} else {
			parts[i] = f.Field + ": " + f.Message
		}
	}
	return fmt.Sprintf("items of %s fail validation: %s", e.Collection, strings.Join(parts, "; "))
}

// ItemEvent is a committed item write, handed to Config.OnItemEvent in
// commit order, after the commit.
type ItemEvent struct {
	// Action is "create", "update" or "delete".
	Action     string
	Collection string
	// Keys are the ids the write touched.
	Keys []any
	// Payload is the created item, the update's data, or the deleted keys
	// (what Directus sends).
	Payload any
	// Items are, for updates and deletes, the items as stored after the
	// write (as they were, for deletes), in Keys order: what webhooks that
	// send one message per item need. Nil for creates (Payload is the item).
	Items          []map[string]any
	Accountability map[string]any
}

// WriteOptions describe who writes and whether the write is announced.
type WriteOptions struct {
	// Accountability ({user, role}) goes with the write's events.
	Accountability map[string]any
	// Quiet publishes no events (item operations with emitEvents: false).
	Quiet bool
}

// ItemQuery selects items: the query parameters, optionally restricted to
// some keys (nil: no restriction; empty: nothing), with the environment their filter is evaluated in ($NOW,
// $CURRENT_USER, templates).
type ItemQuery struct {
	Params *query.Params
	Keys   []any
	Env    query.Env
	// DefaultLimit replaces an unset limit (query.DefaultLimit when 0;
	// -1 for all, as updates and deletes by query use).
	DefaultLimit int
}

// ItemPage is the answer to a read: items (or aggregate rows) and the
// counts that were asked for.
type ItemPage struct {
	Data []map[string]any
	// Meta holds total_count and filter_count when asked, else nil.
	Meta map[string]any
}

// Collection is a named set of items.
type Collection struct {
	Name string `json:"collection"`
	// Schema is a JSON Schema every written item must satisfy, or nil.
	Schema any `json:"schema"`
	// Indexes are expression indexes over item fields; each lists the
	// field paths of one index ("status", or "status" then "created").
	Indexes [][]string `json:"indexes"`
}

// CollectionPatch changes a collection's schema and indexes; nil fields stay.
type CollectionPatch struct {
	Schema     any
	HasSchema  bool
	Indexes    [][]string
	HasIndexes bool
}
