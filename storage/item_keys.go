package storage

import (
	"encoding/json"
	"fmt"
	"github.com/hookflow/hookflow/query"
	"math"
	"strconv"
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
	case float64:
		if v != math.Trunc(v) || math.Abs(v) > maxSafeID {
			return "", fmt.Errorf("%w: a numeric id must be an integer up to 2^53, got %v", ErrInvalidPayload, v)
		}
		return strconv.FormatInt(int64(v), 10), nil
	case int:
		return itemKey(float64(v))
	case int64:
		return itemKey(float64(v))
	case json.Number:
		f, err := v.Float64()
		if err != nil {
			return "", fmt.Errorf("%w: id %s is not a number", ErrInvalidPayload, v)
		}
		return itemKey(f)
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
