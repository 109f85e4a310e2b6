package storage

import (
	"context"
	"testing"
)

// TestSchemaFormats checks that "format" in a collection's schema is a
// rule, not an annotation: each badly formatted field is named.
func TestSchemaFormats(t *testing.T) {
	t.Parallel()
	s := openTestStore(t)
	ctx := context.Background()
	if _, err := s.CreateCollection(ctx, Collection{Name: "people", Schema: obj(t, `{"type": "object", "properties": {
		"email": {"type": "string", "format": "email"}, "born": {"type": "string", "format": "date"},
		"seen": {"type": "string", "format": "date-time"}, "site": {"type": "string", "format": "uri"},
		"ref": {"type": "string", "format": "uuid"}}}`)}); err != nil {
		t.Fatal(err)
	}
	good := `[{"email": "zoe@example.com", "born": "1990-02-28", "seen": "2024-03-15T10:30:00Z",
		"site": "https://example.com/a", "ref": "0f8fad5b-d9cb-469f-a165-70867728950e"}]`
	if _, err := s.CreateItems(ctx, "people", objs(t, good), WriteOptions{}); err != nil {
		t.Fatalf("well-formatted item: %v", err)
	}
	bad := `[{"email": "zoe", "born": "1990-02-30", "seen": "yesterday", "site": "not a uri", "ref": "42"}]`
	_, err := s.CreateItems(ctx, "people", objs(t, bad), WriteOptions{})
	if got := jsonOf(invalidFields(t, err)); got != `["born","email","ref","seen","site"]` {
		t.Errorf("fields %s, want every badly formatted one (%v)", got, err)
	}
}
