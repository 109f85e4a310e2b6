package storage

import (
	"fmt"
	"strconv"

	"github.com/hookflow/hookflow/jsonnum"
	"github.com/hookflow/hookflow/query"
)

// maxSafeID is the largest integer id: beyond 2^53 a JSON number no longer
// holds every integer, and ids must round-trip exactly.
const maxSafeID = 1 << 53

// itemKey is the text an item's id is stored and looked up under. A string
// id is itself; a numeric id is its decimal digits, so the URL /items/c/5
// finds the item written with "id": 5 (and "5" and 5 are the same key).
// Numeric ids must be integers; an id of another type is refused.
func itemKey(id any) (string, error) {
	switch v := id.(type) {
	case string:
		if v == "" {
			return "", fmt.Errorf("%w: id must not be empty", ErrInvalidPayload)
		}
		return v, nil
	case bool, nil:
	default:
		if !jsonnum.IsNumber(id) {
			break
		}
		// The integer as written: 9007199254740993 is beyond 2^53 even
		// though float64 reads it as 2^53.
		n, isInt := jsonnum.Int(id)
		if !isInt || n > maxSafeID || n < -maxSafeID {
			text, _ := jsonnum.Text(id)
			return "", fmt.Errorf("%w: a numeric id must be an integer up to 2^53, got %s", ErrInvalidPayload, text)
		}
		return strconv.FormatInt(n, 10), nil
	}
	return "", fmt.Errorf("%w: id must be a string or an integer, got %s", ErrInvalidPayload, query.TypeName(id))
}

// keysOf converts ids to keys, failing on the first invalid one.
// A nil list stays nil (no key selection).
func keysOf(ids []any) ([]string, error) {
	if ids == nil {
		return nil, nil
	}
	keys := make([]string, len(ids))
	for i, id := range ids {
		k, err := itemKey(id)
		if err != nil {
			return nil, err
		}
		keys[i] = k
	}
	return keys, nil
}

// integerKey reports whether a key is a decimal integer, which the
// auto-increment counter must stay above.
func integerKey(key string) (int64, bool) {
	n, err := strconv.ParseInt(key, 10, 64)
	if err != nil || strconv.FormatInt(n, 10) != key {
		return 0, false
	}
	return n, true
}
