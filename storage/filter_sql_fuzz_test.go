package storage

import (
	"context"
	"slices"
	"testing"

	"github.com/hookflow/hookflow/jsonnum"
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
		item, err := jsonnum.DecodeObject([]byte(c.Item))
		if err != nil {
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
		raw, err := jsonnum.Decode([]byte(text))
		if err != nil {
			return
		}
		flt, err := query.ParseFilter(raw, query.ParseOptions{})
		if err != nil {
			return
		}
		checkFilterAgrees(t, s, "fuzz", stored, flt, query.CaseEnv, text)
	})
}
