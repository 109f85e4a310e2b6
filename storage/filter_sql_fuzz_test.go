package storage

import (
	"context"
	"encoding/json"
	"slices"
	"testing"

	"github.com/hookflow/hookflow/query"
)

// FuzzFilterSQL compares the SQL translation with the in-memory evaluator
// on arbitrary filters: over the items of every shared and hazard case,
// whatever filter the parser accepts must select in SQLite exactly the
// items MatchValue passes, and must never fail to run.
func FuzzFilterSQL(f *testing.F) {
	all := append(slices.Clone(query.SharedCases), sqlHazards...)
	var items []map[string]any
	seen := map[string]bool{}
	for _, c := range all {
		f.Add(c.Filter)
		if seen[c.Item] {
			continue
		}
		seen[c.Item] = true
		var item map[string]any
		if err := json.Unmarshal([]byte(c.Item), &item); err != nil {
			f.Fatalf("%s: %v", c.Name, err)
		}
		delete(item, "id")
		items = append(items, item)
	}
	s := openTestStore(f)
	ctx := context.Background()
	stored, err := s.CreateItems(ctx, "fuzz", items, WriteOptions{})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, text string) {
		var raw any
		if json.Unmarshal([]byte(text), &raw) != nil {
			return
		}
		flt, err := query.ParseFilter(raw, query.ParseOptions{})
		if err != nil {
			return
		}
		var want []any
		for _, it := range stored {
			if query.MatchValue(it, flt, query.CaseEnv) {
				want = append(want, it["id"])
			}
		}
		page, err := s.ReadItems(ctx, "fuzz", ItemQuery{Params: &query.Params{Filter: flt, Limit: -1, HasLimit: true}, Env: query.CaseEnv})
		if err != nil {
			t.Fatalf("filter %s: %v", text, err)
		}
		var got []any
		for _, it := range page.Data {
			got = append(got, it["id"])
		}
		if !slices.Equal(got, want) {
			t.Fatalf("filter %s:\n SQL    %v\n memory %v", text, got, want)
		}
	})
}
