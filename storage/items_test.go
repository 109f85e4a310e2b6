package storage

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/hookflow/hookflow/jsonnum"
	"github.com/hookflow/hookflow/query"
)

func obj(t testing.TB, s string) map[string]any {
	t.Helper()
	m, err := jsonnum.DecodeObject([]byte(s))
	if err != nil {
		t.Fatalf("bad JSON %s: %v", s, err)
	}
	return m
}

func objs(t testing.TB, s string) []map[string]any {
	t.Helper()
	var list []map[string]any
	if err := jsonnum.Unmarshal([]byte(s), &list); err != nil {
		t.Fatalf("bad JSON %s: %v", s, err)
	}
	return list
}

func params(t testing.TB, raw string) *query.Params {
	t.Helper()
	m, err := jsonnum.DecodeObject([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	p, err := query.ParseParams(m, query.ParamOptions{Strict: true})
	if err != nil {
		t.Fatalf("params %s: %v", raw, err)
	}
	return p
}

// invalidFields are the fields a ValidationError names; any other error
// fails the test.
func invalidFields(t testing.TB, err error) []string {
	t.Helper()
	var verr *ValidationError
	if !errors.As(err, &verr) {
		t.Fatalf("error = %v, want a ValidationError", err)
	}
	fields := make([]string, len(verr.Fields))
	for i, f := range verr.Fields {
		fields[i] = f.Field
	}
	return fields
}

func jsonOf(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestCreateAssignsAndKeepsIDs(t *testing.T) {
	t.Parallel()
	s := openTestStore(t)
	ctx := context.Background()
	out, err := s.CreateItems(ctx, "orders", objs(t, `[{"total": 1}, {"id": 10, "total": 2}, {"total": 3}, {"id": "abc"}, {"id": null, "n": 1}]`), WriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := `[{"id":1,"total":1},{"id":10,"total":2},{"id":11,"total":3},{"id":"abc"},{"id":12,"n":1}]`
	if got := jsonOf(out); got != want {
		t.Errorf("created %s, want %s", got, want)
	}
	got, err := s.GetItem(ctx, "orders", "11")
	if err != nil || jsonOf(got) != `{"id":11,"total":3}` {
		t.Errorf("GetItem(11) = %v, %v", got, err)
	}
	if _, err := s.GetItem(ctx, "orders", 99.0); !errors.Is(err, ErrNotFound) {
		t.Errorf("GetItem(99) error = %v, want ErrNotFound", err)
	}
	if _, err := s.GetItem(ctx, "nowhere", 1.0); !errors.Is(err, ErrNotFound) {
		t.Errorf("GetItem in unknown collection = %v, want ErrNotFound", err)
	}
}

func TestCreateRefusesBadItems(t *testing.T) {
	t.Parallel()
	s := openTestStore(t)
	ctx := context.Background()
	if _, err := s.CreateItems(ctx, "c", objs(t, `[{"id": 1}]`), WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, collection, items string
		want                    error
	}{
		{"duplicate id", "c", `[{"id": 1}]`, ErrConflict},
		{"same numeric id as text", "c", `[{"id": "1"}]`, ErrConflict},
		{"duplicate inside one write", "c", `[{"id": 5}, {"id": 5}]`, ErrConflict},
		{"fractional id", "c", `[{"id": 1.5}]`, ErrInvalidPayload},
		{"boolean id", "c", `[{"id": true}]`, ErrInvalidPayload},
		{"empty id", "c", `[{"id": ""}]`, ErrInvalidPayload},
		{"bad collection name", "a-b", `[{}]`, ErrInvalidPayload},
		{"collection name with SQL", "x'; DROP TABLE items; --", `[{}]`, ErrInvalidPayload},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.CreateItems(ctx, tt.collection, objs(t, tt.items), WriteOptions{})
			if !errors.Is(err, tt.want) {
				t.Errorf("error = %v, want %v", err, tt.want)
			}
		})
	}
	page, err := s.ReadItems(ctx, "c", ItemQuery{})
	if err != nil || jsonOf(page.Data) != `[{"id":1}]` {
		t.Errorf("after failed writes the collection holds %v (%v)", jsonOf(page.Data), err)
	}
}

func TestFailedMultiItemWriteStoresNothing(t *testing.T) {
	t.Parallel()
	s := openTestStore(t)
	ctx := context.Background()
	if _, err := s.CreateCollection(ctx, Collection{Name: "people", Schema: obj(t,
		`{"type": "object", "required": ["email"], "properties": {"email": {"type": "string", "format": "email"}, "age": {"type": "integer", "minimum": 0}}}`)}); err != nil {
		t.Fatal(err)
	}
	_, err := s.CreateItems(ctx, "people", objs(t, `[{"email": "a@example.com"}, {"age": -1}, {"email": 5}]`), WriteOptions{})
	if got := strings.Join(invalidFields(t, err), " "); got != "[1].age [1].email [2].email" {
		t.Errorf("invalid fields = %q (%v)", got, err)
	}
	page, _ := s.ReadItems(ctx, "people", ItemQuery{Params: params(t, `{"meta": "total_count"}`)})
	if len(page.Data) != 0 || page.Meta["total_count"] != int64(0) {
		t.Errorf("a refused write stored %v", jsonOf(page))
	}
	// The next write still gets id 1: the refused one used none.
	out, err := s.CreateItems(ctx, "people", objs(t, `[{"email": "b@example.com"}]`), WriteOptions{})
	if err != nil || out[0]["id"] != 1.0 {
		t.Errorf("next write = %v, %v", out, err)
	}
}

func TestConcurrentWritesAreAtomicAndOrdered(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var events []ItemEvent
	s := openTestStore(t, func(c *Config) {
		c.OnItemEvent = func(e ItemEvent) { mu.Lock(); events = append(events, e); mu.Unlock() }
	})
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make([]error, 50)
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			items := []map[string]any{{"n": float64(i)}, {"n": float64(i)}}
			if i%10 == 0 {
				// Every tenth write takes an id, then collides with itself:
				// it must vanish whole, its id counter change included.
				items = append(items, map[string]any{"id": "dup"}, map[string]any{"id": "dup"})
			}
			_, errs[i] = s.CreateItems(ctx, "burst", items, WriteOptions{})
		}(i)
	}
	wg.Wait()
	for i, err := range errs {
		if (i%10 == 0) != errors.Is(err, ErrConflict) {
			t.Errorf("write %d: %v", i, err)
		}
	}
	page, err := s.ReadItems(ctx, "burst", ItemQuery{Params: params(t, `{"limit": -1, "aggregate": {"count": "*"}, "groupBy": ["n"]}`)})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Data) != 45 {
		t.Errorf("%d writes stored, want 45", len(page.Data))
	}
	for _, row := range page.Data {
		if row["count"] != int64(2) {
			t.Errorf("write %v stored %v items, want both", row["n"], row["count"])
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(events) != 90 {
		t.Fatalf("%d events, want 90 (one per created item)", len(events))
	}
	last := 0.0
	for _, e := range events {
		id, _ := e.Keys[0].(float64)
		if e.Action != "create" || e.Collection != "burst" || id <= last {
			t.Fatalf("events out of commit order: %+v after id %v", e, last)
		}
		last = id
	}
}

func TestReadQuery(t *testing.T) {
	t.Parallel()
	s := openTestStore(t)
	ctx := context.Background()
	_, err := s.CreateItems(ctx, "products", objs(t, `[
		{"name": "Apple", "status": "active", "price": 3, "tags": ["fruit"], "made": "2024-01-02T00:00:00Z"},
		{"name": "banana", "status": "active", "price": "1.5", "tags": ["fruit", "yellow"], "made": "2024-01-01T23:00:00-02:00"},
		{"name": "Carrot", "status": "draft", "price": 2, "tags": [], "made": "2023-12-31"},
		{"name": "Dates", "status": "active", "price": 10, "made": "2024-02-01"},
		{"name": "Eggplant", "status": "archived", "meta": {"origin": "Spain"}}
	]`), WriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, params string
		want         string // JSON of Data
		meta         string // JSON of Meta, when asked
	}{
		{
			"default order is insertion order", `{"fields": "name"}`,
			`[{"name":"Apple"},{"name":"banana"},{"name":"Carrot"},{"name":"Dates"},{"name":"Eggplant"}]`, "",
		},
		{
			"filter, fields, limit", `{"filter": {"status": {"_eq": "active"}}, "fields": ["id", "name", "price"], "limit": 2}`,
			`[{"id":1,"name":"Apple","price":3},{"id":2,"name":"banana","price":"1.5"}]`, "",
		},
		{
			"numeric string price compares as a number", `{"filter": {"price": {"_lt": 2}}, "fields": "name"}`,
			`[{"name":"banana"}]`, "",
		},
		{
			"dates compare as instants", `{"filter": {"made": {"_gte": "2024-01-02"}}, "fields": "name"}`,
			`[{"name":"Apple"},{"name":"banana"},{"name":"Dates"}]`, "",
		},
		{
			"sort descending then ascending", `{"sort": "-status,name", "fields": "name"}`,
			`[{"name":"Carrot"},{"name":"Eggplant"},{"name":"Apple"},{"name":"Dates"},{"name":"banana"}]`, "",
		},
		{"offset and page", `{"limit": 2, "page": 2, "fields": "id"}`, `[{"id":3},{"id":4}]`, ""},
		{"offset", `{"offset": 4, "fields": "id"}`, `[{"id":5}]`, ""},
		{"search ignores case", `{"search": "CARR", "fields": "name"}`, `[{"name":"Carrot"}]`, ""},
		{"search reads top-level strings only", `{"search": "spain", "fields": "name"}`, `[]`, ""},
		{
			"nested field filter and projection", `{"filter": {"meta": {"origin": {"_eq": "Spain"}}}, "fields": "meta.origin"}`,
			`[{"meta":{"origin":"Spain"}}]`, "",
		},
		{"array operators", `{"filter": {"tags": {"_contains": "yellow"}}, "fields": "name"}`, `[{"name":"banana"}]`, ""},
		{
			"meta counts", `{"filter": {"status": "active"}, "limit": 1, "fields": "id", "meta": "*"}`,
			`[{"id":1}]`, `{"filter_count":3,"total_count":5}`,
		},
		{"count all", `{"aggregate": {"count": "*"}}`, `[{"count":5}]`, ""},
		{"count with filter", `{"aggregate": {"count": "*"}, "filter": {"status": {"_neq": "active"}}}`, `[{"count":2}]`, ""},
		{
			"named aggregates", `{"aggregate": {"sum": "price", "avg": "price", "min": "price", "max": "name", "count": "tags", "countDistinct": "status"}}`,
			`[{"avg":{"price":4.125},"count":{"tags":3},"countDistinct":{"status":3},"max":{"name":"banana"},"min":{"price":1.5},"sum":{"price":16.5}}]`, "",
		},
		{
			"group by", `{"aggregate": {"count": "*", "sum": "price"}, "groupBy": "status"}`,
			`[{"count":3,"status":"active","sum":{"price":14.5}},{"count":1,"status":"archived","sum":{"price":null}},{"count":1,"status":"draft","sum":{"price":2}}]`, "",
		},
		{
			"group by sorted by count", `{"aggregate": {"count": "*"}, "groupBy": "status", "sort": "-count,status", "limit": 2}`,
			`[{"count":3,"status":"active"},{"count":1,"status":"archived"}]`, "",
		},
		{
			"groups a sort leaves tied keep their order", `{"aggregate": {"count": "*"}, "groupBy": "status", "sort": "count"}`,
			`[{"count":1,"status":"archived"},{"count":1,"status":"draft"},{"count":3,"status":"active"}]`, "",
		},
		{
			"group by alone lists the groups", `{"groupBy": "status"}`,
			`[{"status":"active"},{"status":"archived"},{"status":"draft"}]`, "",
		},
		{
			"group by a missing field", `{"groupBy": "meta.origin", "aggregate": {"count": "*"}}`,
			`[{"count":4,"meta.origin":null},{"count":1,"meta.origin":"Spain"}]`, "",
		},
		{
			"groups sort by value", `{"groupBy": "price", "aggregate": {"count": "*"}, "sort": "-price"}`,
			`[{"count":1,"price":"1.5"},{"count":1,"price":10},{"count":1,"price":3},{"count":1,"price":2},{"count":1,"price":null}]`, "",
		},
		{"sum over nothing is null", `{"aggregate": {"sum": "price"}, "filter": {"status": "none"}}`, `[{"sum":{"price":null}}]`, ""},
		{"keys restrict", `{"fields": "id"}`, `[{"id":2},{"id":4}]`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			q := ItemQuery{Params: params(t, tt.params)}
			if tt.name == "keys restrict" {
				q.Keys = []any{4.0, "2"}
			}
			page, err := s.ReadItems(ctx, "products", q)
			if err != nil {
				t.Fatal(err)
			}
			if got := jsonOf(page.Data); got != tt.want {
				t.Errorf("data %s\n want %s", got, tt.want)
			}
			if tt.meta != "" && jsonOf(page.Meta) != tt.meta {
				t.Errorf("meta %s, want %s", jsonOf(page.Meta), tt.meta)
			}
		})
	}
}

func TestCountDistinctKeepsTypesApart(t *testing.T) {
	t.Parallel()
	s := openTestStore(t)
	ctx := context.Background()
	_, err := s.CreateItems(ctx, "v", objs(t, `[{"v": 1}, {"v": 1.0}, {"v": "1"}, {"v": true}, {"v": "true"}, {"v": [1]},
		{"v": "[1]"}, {"v": {"a": 1}}, {"v": null}, {}, {"v": "a"}, {"v": "a"}]`), WriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	page, err := s.ReadItems(ctx, "v", ItemQuery{Params: params(t, `{"aggregate": {"countDistinct": "v", "count": "v"}}`)})
	// 1 (also 1.0), "1", true, "true", [1], "[1]", {"a":1}, "a"; count skips null and missing.
	if err != nil || jsonOf(page.Data) != `[{"count":{"v":10},"countDistinct":{"v":8}}]` {
		t.Errorf("aggregates = %s, %v", jsonOf(page.Data), err)
	}
}

func TestReadUnknownCollectionIsEmpty(t *testing.T) {
	t.Parallel()
	s := openTestStore(t)
	page, err := s.ReadItems(context.Background(), "nothing_here", ItemQuery{Params: params(t, `{"meta": "total_count"}`)})
	if err != nil || len(page.Data) != 0 || page.Meta["total_count"] != int64(0) {
		t.Errorf("read of an unknown collection = %v, %v", jsonOf(page), err)
	}
	page, err = s.ReadItems(context.Background(), "nothing_here", ItemQuery{Params: params(t, `{"aggregate": {"count": "*"}}`)})
	if err != nil || jsonOf(page.Data) != `[{"count":0}]` {
		t.Errorf("count over an unknown collection = %v, %v", jsonOf(page.Data), err)
	}
}

func TestReadQueryErrors(t *testing.T) {
	t.Parallel()
	s := openTestStore(t)
	p := params(t, `{"aggregate": {"count": "*"}, "groupBy": "status", "sort": "name"}`)
	_, err := s.ReadItems(context.Background(), "c", ItemQuery{Params: p})
	var qerrs query.Errors
	if !errors.As(err, &qerrs) || qerrs[0].Path != "sort" {
		t.Errorf("sorting an aggregate by a non-group field: %v", err)
	}
	p = params(t, `{"filter": {"a": {"0": {"1": {"2": {"3": {"4": {"_eq": 1}}}}}}}}`)
	if _, err := s.ReadItems(context.Background(), "c", ItemQuery{Params: p}); !errors.As(err, &qerrs) {
		t.Errorf("a path with too many numeric segments: %v", err)
	}
}

func TestNowAndCurrentUserInFilters(t *testing.T) {
	t.Parallel()
	s := openTestStore(t)
	ctx := context.Background()
	_, err := s.CreateItems(ctx, "calls", objs(t, `[
		{"ip": "1.2.3.4", "user": "u1", "at": "2030-01-01T00:00:00.000Z"},
		{"ip": "1.2.3.4", "user": "u2", "at": "2000-01-01T00:00:00.000Z"}
	]`), WriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	p := params(t, `{"filter": {"at": {"_gte": "$NOW(-1 hour)"}, "user": {"_eq": "$CURRENT_USER"}}, "aggregate": {"count": "*"}}`)
	page, err := s.ReadItems(ctx, "calls", ItemQuery{Params: p, Env: query.Env{User: "u1"}})
	if err != nil || jsonOf(page.Data) != `[{"count":1}]` {
		t.Errorf("count = %v, %v", jsonOf(page.Data), err)
	}
	page, _ = s.ReadItems(ctx, "calls", ItemQuery{Params: p, Env: query.Env{User: "u2"}})
	if jsonOf(page.Data) != `[{"count":0}]` {
		t.Errorf("count for u2 = %v", jsonOf(page.Data))
	}
}

func TestUpdateAndDelete(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var events []string
	s := openTestStore(t, func(c *Config) {
		c.OnItemEvent = func(e ItemEvent) {
			mu.Lock()
			events = append(events, e.Action+" "+jsonOf(e.Keys)+" "+jsonOf(e.Payload))
			mu.Unlock()
		}
	})
	ctx := context.Background()
	if _, err := s.CreateItems(ctx, "t", objs(t, `[{"a": 1, "b": 1}, {"a": 2}, {"a": 3}]`), WriteOptions{Quiet: true}); err != nil {
		t.Fatal(err)
	}
	out, err := s.UpdateItems(ctx, "t", ItemSelection{Keys: []any{1.0}}, obj(t, `{"b": 2, "c": null}`), WriteOptions{})
	if err != nil || jsonOf(out) != `[{"a":1,"b":2,"c":null,"id":1}]` {
		t.Errorf("update by key = %v, %v", jsonOf(out), err)
	}
	out, err = s.UpdateItems(ctx, "t", ItemSelection{Query: &ItemQuery{Params: params(t, `{"filter": {"a": {"_gte": 2}}}`)}},
		obj(t, `{"done": true}`), WriteOptions{})
	if err != nil || jsonOf(out) != `[{"a":2,"done":true,"id":2},{"a":3,"done":true,"id":3}]` {
		t.Errorf("update by query = %v, %v", jsonOf(out), err)
	}
	out, err = s.UpdateEach(ctx, "t", objs(t, `[{"id": 3, "a": 30}, {"id": "1", "a": 10}]`), WriteOptions{})
	if err != nil || jsonOf(out) != `[{"a":30,"done":true,"id":3},{"a":10,"b":2,"c":null,"id":1}]` {
		t.Errorf("update each = %v, %v", jsonOf(out), err)
	}
	if _, err := s.UpdateItems(ctx, "t", ItemSelection{Keys: []any{1.0, 99.0}}, obj(t, `{"x": 1}`), WriteOptions{}); !errors.Is(err, ErrNotFound) {
		t.Errorf("update with an unknown key: %v", err)
	}
	if _, err := s.UpdateItems(ctx, "t", ItemSelection{Keys: []any{1.0}}, obj(t, `{"id": 7}`), WriteOptions{}); !errors.Is(err, ErrInvalidPayload) {
		t.Errorf("changing an id: %v", err)
	}
	if got, _ := s.GetItem(ctx, "t", 1.0); got["x"] != nil {
		t.Errorf("a failed update changed the item: %v", got)
	}
	ids, err := s.DeleteItems(ctx, "t", ItemSelection{Keys: []any{"2"}}, WriteOptions{})
	if err != nil || jsonOf(ids) != `[2]` {
		t.Errorf("delete by key = %v, %v", ids, err)
	}
	if _, err := s.DeleteItems(ctx, "t", ItemSelection{Keys: []any{1.0, 2.0}}, WriteOptions{}); !errors.Is(err, ErrNotFound) {
		t.Errorf("delete with a gone key: %v", err)
	}
	ids, err = s.DeleteItems(ctx, "t", ItemSelection{Query: &ItemQuery{Params: params(t, `{"filter": {"a": {"_gt": 100}}}`)}}, WriteOptions{})
	if err != nil || len(ids) != 0 {
		t.Errorf("delete matching nothing = %v, %v", ids, err)
	}
	ids, err = s.DeleteItems(ctx, "t", ItemSelection{Query: &ItemQuery{}}, WriteOptions{Quiet: true})
	if err != nil || jsonOf(ids) != `[1,3]` {
		t.Errorf("delete all = %v, %v", ids, err)
	}
	mu.Lock()
	defer mu.Unlock()
	want := []string{
		`update [1] {"b":2,"c":null}`,
		`update [2,3] {"done":true}`,
		`update [3] {"a":30,"id":3}`,
		`update ["1"] {"a":10,"id":"1"}`,
		`delete [2] [2]`,
	}
	// UpdateEach reports the id as stored (1), not as sent.
	want[3] = `update [1] {"a":10,"id":"1"}`
	if !reflect.DeepEqual(events, want) {
		t.Errorf("events\n got %q\nwant %q", events, want)
	}
}

func TestCollections(t *testing.T) {
	t.Parallel()
	s := openTestStore(t)
	ctx := context.Background()
	if _, err := s.CreateCollection(ctx, Collection{Name: "a", Indexes: [][]string{{"status"}, {"status", "created"}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateCollection(ctx, Collection{Name: "a"}); !errors.Is(err, ErrConflict) {
		t.Errorf("creating twice: %v", err)
	}
	if _, err := s.CreateCollection(ctx, Collection{Name: "b", Schema: obj(t, `{"type": "nonsense"}`)}); !errors.Is(err, ErrInvalidPayload) {
		t.Errorf("an invalid schema: %v", err)
	}
	if _, err := s.CreateCollection(ctx, Collection{Name: "b", Schema: obj(t, `{"$ref": "file:///etc/passwd"}`)}); !errors.Is(err, ErrInvalidPayload) {
		t.Errorf("a schema reading a file: %v", err)
	}
	if _, err := s.CreateCollection(ctx, Collection{Name: "b", Indexes: [][]string{{"items.0.sku"}}}); !errors.Is(err, ErrInvalidPayload) {
		t.Errorf("an index on an array element: %v", err)
	}
	if _, err := s.CreateItems(ctx, "auto", objs(t, `[{}]`), WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	list, err := s.ListCollections(ctx)
	if err != nil || jsonOf(list) != `[{"collection":"a","schema":null,"indexes":[["status"],["status","created"]]},{"collection":"auto","schema":null,"indexes":[]}]` {
		t.Errorf("collections = %s, %v", jsonOf(list), err)
	}
	if n := countIndexes(t, s); n != 2 {
		t.Errorf("%d managed indexes, want 2", n)
	}
	if _, err := s.CreateItems(ctx, "auto", objs(t, `[{}, {}]`), WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	c, err := s.UpdateCollection(ctx, "auto", CollectionPatch{
		Schema: obj(t, `{"required": ["x"]}`), HasSchema: true,
		Indexes: [][]string{{"status"}}, HasIndexes: true,
	})
	if err != nil || jsonOf(c) != `{"collection":"auto","schema":{"required":["x"]},"indexes":[["status"]]}` {
		t.Errorf("update collection = %s, %v", jsonOf(c), err)
	}
	if _, err := s.CreateItems(ctx, "auto", objs(t, `[{}]`), WriteOptions{}); !errors.As(err, new(*ValidationError)) {
		t.Errorf("a write breaking the new schema: %v", err)
	}
	// The id counter survived the schema change.
	if out, err := s.CreateItems(ctx, "auto", objs(t, `[{"x": 1}]`), WriteOptions{}); err != nil || out[0]["id"] != 4.0 {
		t.Errorf("next id after a schema change = %v, %v", out, err)
	}
	if err := s.DeleteCollection(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	if n := countIndexes(t, s); n != 1 {
		t.Errorf("%d managed indexes after deleting a, want 1 (status, still used by auto)", n)
	}
	if err := s.DeleteCollection(ctx, "auto"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteCollection(ctx, "auto"); !errors.Is(err, ErrNotFound) {
		t.Errorf("deleting twice: %v", err)
	}
	page, _ := s.ReadItems(ctx, "auto", ItemQuery{})
	if len(page.Data) != 0 || countIndexes(t, s) != 0 {
		t.Errorf("a deleted collection left items %v or indexes", page.Data)
	}
}

func countIndexes(t *testing.T, s *Store) int {
	t.Helper()
	var names []string
	if err := s.write.Raw(s.dialect.listIndexes(), indexPrefix+"%").Scan(&names).Error; err != nil {
		t.Fatal(err)
	}
	return len(names)
}
