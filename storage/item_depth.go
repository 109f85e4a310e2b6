package storage

import (
	"fmt"

	"github.com/hookflow/hookflow/jsondepth"
)

// maxItemDepth is how deeply an item's objects and arrays may nest. SQLite's
// JSON functions refuse a document nested deeper than 1000 levels as
// malformed, so a deeper item, once stored, would make every filter, sort,
// search and aggregate over its collection fail; it is refused when written.
const maxItemDepth = 1000

// tooDeep reports whether the objects and arrays of encoded JSON nest deeper
// than maxItemDepth.
func tooDeep(raw []byte) bool { return jsondepth.Exceeds(raw, maxItemDepth) }

// errTooDeep is the refusal of an item that nests deeper than maxItemDepth;
// which names the item ("item 3 of orders", "the item").
func errTooDeep(which string) error {
	return fmt.Errorf("%w: %s nests objects and arrays deeper than %d levels", ErrInvalidPayload, which, maxItemDepth)
}
