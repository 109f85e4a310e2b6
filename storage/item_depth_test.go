package storage

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/hookflow/hookflow/query"
)

// nested is an object whose objects nest depth levels deep.
func nested(depth int) map[string]any {
	item := map[string]any{"leaf": 1.0}
	for range depth - 1 {
		item = map[string]any{"a": item}
	}
	return item
}

// TestItemDepth checks that an item nesting deeper than SQLite's JSON
// functions read is refused when written, by create and by update, so it can
// never make the queries of its collection fail; an item at the limit is
// stored and queried.
func TestItemDepth(t *testing.T) {
	t.Parallel()
	s := openTestStore(t)
	ctx := context.Background()
	deepest := nested(maxItemDepth)
	deepest["s"] = strings.Repeat("[{", 2*maxItemDepth) // brackets in strings do not count
	if _, err := s.CreateItems(ctx, "deep", []map[string]any{deepest}, WriteOptions{}); err != nil {
		t.Fatalf("item at the depth limit: %v", err)
	}
	for name, items := range map[string][]map[string]any{
		"one item":         {nested(maxItemDepth + 1)},
		"one of two items": {{"ok": true}, {"list": []any{nested(maxItemDepth)}}},
	} {
		_, err := s.CreateItems(ctx, "deep", items, WriteOptions{})
		if !errors.Is(err, ErrInvalidPayload) || !strings.Contains(err.Error(), "deeper than 1000") {
			t.Errorf("%s: %v, want ErrInvalidPayload naming the limit", name, err)
		}
	}
	_, err := s.UpdateItems(ctx, "deep", ItemSelection{Keys: []any{1.0}}, map[string]any{"a": nested(maxItemDepth)}, WriteOptions{})
	if !errors.Is(err, ErrInvalidPayload) {
		t.Errorf("update nesting too deep: %v, want ErrInvalidPayload", err)
	}
	f, err := query.ParseFilter(map[string]any{"a": map[string]any{"_nnull": true}}, query.ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	page, err := s.ReadItems(ctx, "deep", ItemQuery{Params: &query.Params{Filter: f, Limit: -1, HasLimit: true}})
	if err != nil {
		t.Fatalf("filter over the collection: %v", err)
	}
	if len(page.Data) != 1 {
		t.Errorf("filter selects %d items, want the one stored", len(page.Data))
	}
}
