package operations_test

import (
	"errors"
	"sort"
	"strings"
	"testing"

	"github.com/hookflow/hookflow/flows"
	"github.com/hookflow/hookflow/operations"
	"github.com/hookflow/hookflow/storage"
)

// findingPaths prepares options written as JSON and returns the sorted
// paths of the findings.
func findingPaths(t *testing.T, op operations.Operation, options string) []string {
	t.Helper()
	_, err := prepare(t, op, options, "op")
	var out []string
	for p := range paths(err) {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

func TestItemOperationOptions(t *testing.T) {
	t.Parallel()
	store := &storage.Store{} // Prepare never touches the store
	create := operations.ItemCreate{Store: store}
	read := operations.ItemRead{Store: store}
	update := operations.ItemUpdate{Store: store}
	del := operations.ItemDelete{Store: store}
	tests := []struct {
		name    string
		op      operations.Operation
		options string
		want    string // finding paths, space-separated
	}{
		{"create ok", create, `{"collection": "orders", "payload": {"a": "{{$trigger.a}}"}, "permissions": "$full", "emitEvents": false}`, ""},
		{"create with JSON text", create, `{"collection": "orders", "payload": "{\"a\": {{$last}}}"}`, ""},
		{"create with whole trigger", create, `{"collection": "orders", "payload": "{{$trigger}}"}`, ""},
		{"create with templated collection", create, `{"collection": "{{$trigger.kind}}", "payload": {}}`, ""},
		{"create needs collection and payload", create, `{}`, "collection payload"},
		{"create refuses a bad name", create, `{"collection": "my-orders", "payload": {}}`, "collection"},
		{"create refuses scalar payload", create, `{"collection": "c", "payload": 5}`, "payload"},
		{"create refuses plain text payload", create, `{"collection": "c", "payload": "hello"}`, "payload"},
		{"create refuses invalid JSON text", create, `{"collection": "c", "payload": "{\"a\":"}`, "payload"},
		{"create refuses unknown option", create, `{"collection": "c", "payload": {}, "colection": "x"}`, "colection"},
		{"create refuses unknown mode", create, `{"collection": "c", "payload": {}, "permissions": "$all"}`, "permissions"},
		{"create accepts a role id", create, `{"collection": "c", "payload": {}, "permissions": "editors"}`, ""},
		{"create refuses non-bool emitEvents", create, `{"collection": "c", "payload": {}, "emitEvents": "yes"}`, "emitEvents"},
		{"create refuses a bad template", create, `{"collection": "c", "payload": {"a": "{{"}}`, "payload.a"},
		{"read ok", read, `{"collection": "c", "query": {"filter": {"a": {"_gte": "$NOW(-1 hour)"}}, "aggregate": {"count": "*"}}}`, ""},
		{"read with key and query", read, `{"collection": "c", "key": 1, "query": {"fields": "a"}}`, ""},
		{"read with key and keys", read, `{"collection": "c", "key": 1, "keys": [1]}`, "key"},
		{
			"read with a bad filter", read, `{"collection": "c", "query": {"filter": {"a": {"_foo": 1}, "_or": 5}}}`,
			"query.filter._or query.filter.a._foo",
		},
		{"read with a bad limit", read, `{"collection": "c", "query": {"limit": "ten"}}`, "query.limit"},
		{"read with templated limit", read, `{"collection": "c", "query": {"limit": "{{$trigger.query.limit}}"}}`, ""},
		{"read with a typo beside a template", read, `{"collection": "c", "query": {"limit": "{{$x}}", "srot": "a"}}`, "query.srot"},
		{"read with a templated filter operand", read, `{"collection": "c", "query": {"filter": {"a": "{{$trigger.a}}"}}}`, ""},
		{"read with a bad filter template", read, `{"collection": "c", "query": {"filter": {"a": "{{ }}"}}}`, "query.filter.a"},
		{"read with JSON text query", read, `{"collection": "c", "query": "{\"limit\": 5}"}`, ""},
		{"read with a query that is not an object", read, `{"collection": "c", "query": [1]}`, "query"},
		{"update by key", update, `{"collection": "c", "key": "{{$last.id}}", "payload": {"s": 1}}`, ""},
		{"update needs a selection", update, `{"collection": "c", "payload": {"s": 1}}`, "key"},
		{"update of an array by ids", update, `{"collection": "c", "payload": [{"id": 1}]}`, ""},
		{"update with two selections", update, `{"collection": "c", "key": 1, "query": {}, "payload": {}}`, "key"},
		{"delete needs a selection", del, `{"collection": "c"}`, "key"},
		{"delete by query", del, `{"collection": "c", "query": {"filter": {"a": 1}}}`, ""},
		{"delete with bad keys", del, `{"collection": "c", "keys": 5}`, "keys"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := strings.Join(findingPaths(t, tt.op, tt.options), " ")
			if got != tt.want {
				t.Errorf("findings %q, want %q", got, tt.want)
			}
		})
	}
}

func TestReadCollections(t *testing.T) {
	t.Parallel()
	store := &storage.Store{}
	tests := []struct {
		op      operations.Operation
		options string
		names   string
		any     bool
	}{
		{operations.ItemRead{Store: store}, `{"collection": "products"}`, "products", false},
		{operations.ItemRead{Store: store}, `{"collection": "{{$trigger.query.c}}"}`, "", true},
		{operations.TriggerFlow{}, `{"flow": "6f1c3b1e-1111-4222-8333-444455556666"}`, "", true},
	}
	for _, tc := range tests {
		step := mustPrepare(t, tc.op, tc.options)
		names, anyCollection := step.(operations.CollectionReader).ReadCollections()
		if strings.Join(names, ",") != tc.names || anyCollection != tc.any {
			t.Errorf("%s: %v %v", tc.options, names, anyCollection)
		}
	}
	if _, reads := any(mustPrepare(t, operations.ItemCreate{Store: store}, `{"collection": "c", "payload": {}}`)).(operations.CollectionReader); reads {
		t.Error("item-create returns what it wrote, not what it read")
	}
}

func mustPrepare(t *testing.T, op operations.Operation, options string) operations.Step {
	t.Helper()
	step, err := prepare(t, op, options)
	if err != nil {
		t.Fatal(err)
	}
	return step
}

// TestBadCollectionNameSaysWhatIsWrong: the upload finding for a refused
// collection name is the store's reason, without the store's "invalid
// payload" prefix (a finding says "invalid" by being one).
func TestBadCollectionNameSaysWhatIsWrong(t *testing.T) {
	t.Parallel()
	create := operations.ItemCreate{Store: &storage.Store{}}
	for name, want := range map[string]string{
		"my-orders": `collection name "my-orders" must start with a letter or _ and hold at most 64 letters, digits or _`,
		"runs":      `collection name "runs" is reserved: permissions use it for the server's own runs`,
	} {
		_, err := prepare(t, create, `{"collection": "`+name+`", "payload": {}}`, "op")
		var findings flows.ValidationErrors
		if !errors.As(err, &findings) || len(findings) != 1 || findings[0].Message != want {
			t.Errorf("%s: %v", name, err)
		}
	}
}
