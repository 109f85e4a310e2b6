package storage

import (
	"context"
	"strings"
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

// TestSchemaReadsExactNumbers: a schema's numbers and an item's numbers
// are compared as written, beyond what float64 tells apart, and a number
// beyond the float64 range is checked too.
func TestSchemaReadsExactNumbers(t *testing.T) {
	t.Parallel()
	s := openTestStore(t)
	ctx := context.Background()
	if _, err := s.CreateCollection(ctx, Collection{Name: "exact", Schema: obj(t, `{"type": "object", "properties": {
		"d": {"type": "integer", "maximum": 9007199254740993}, "e": {"type": "number", "maximum": 1e400},
		"x": {"type": "number", "exclusiveMinimum": 0.1000000000000000055511151231257827}}}`)}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateItems(ctx, "exact", objs(t, `[{"d": 9007199254740993, "e": 1e399, "x": 0.10000000000000000555111512312578271}]`), WriteOptions{}); err != nil {
		t.Fatalf("numbers within the schema: %v", err)
	}
	_, err := s.CreateItems(ctx, "exact", objs(t, `[{"d": 9007199254740994, "e": 1e401, "x": 0.1000000000000000055511151231257827}]`), WriteOptions{})
	if got := jsonOf(invalidFields(t, err)); got != `["d","e","x"]` {
		t.Errorf("fields %s, want each number just beyond its bound (%v)", got, err)
	}
	c, err := s.GetCollection(ctx, "exact")
	if err != nil {
		t.Fatal(err)
	}
	if got := jsonOf(c.Schema); !strings.Contains(got, `"maximum":9007199254740993`) || !strings.Contains(got, `"maximum":1e400`) {
		t.Errorf("schema read back as %s", got)
	}
}
