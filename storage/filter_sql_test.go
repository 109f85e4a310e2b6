package storage

import (
	"context"
	"fmt"
	"testing"

	"github.com/hookflow/hookflow/jsonnum"
	"github.com/hookflow/hookflow/query"
)

// TestSharedCasesInSQL runs query.SharedCases, the one table of filter
// semantics, through the SQL translation against SQLite and requires the
// answer of the in-memory evaluator (query.MatchValue) for every case.
func TestSharedCasesInSQL(t *testing.T) {
	t.Parallel()
	s := openTestStore(t)
	runFilterCases(t, s, query.SharedCases)
}

// runFilterCases stores each case's item in its own collection and checks
// that the case's filter selects it exactly when MatchValue passes it (and
// when the case says so).
func runFilterCases(t *testing.T, s *Store, cases []query.Case) {
	t.Helper()
	ctx := context.Background()
	collections := map[string]string{}
	stored := map[string]map[string]any{}
	for _, c := range cases {
		if _, done := collections[c.Item]; done {
			continue
		}
		item, err := jsonnum.DecodeObject([]byte(c.Item))
		if err != nil {
			t.Fatalf("%s: item: %v", c.Name, err)
		}
		name := fmt.Sprintf("case_%d", len(collections))
		out, err := s.CreateItems(ctx, name, []map[string]any{item}, WriteOptions{})
		if err != nil {
			t.Fatalf("store item of %s: %v", c.Name, err)
		}
		collections[c.Item], stored[c.Item] = name, out[0]
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			raw, err := jsonnum.Decode([]byte(c.Filter))
			if err != nil {
				t.Fatal(err)
			}
			f, err := query.ParseFilter(raw, query.ParseOptions{})
			if err != nil {
				t.Fatal(err)
			}
			memory := query.MatchValue(stored[c.Item], f, query.CaseEnv)
			page, err := s.ReadItems(ctx, collections[c.Item], ItemQuery{Params: &query.Params{Filter: f, Limit: -1, HasLimit: true}, Env: query.CaseEnv})
			if err != nil {
				t.Fatalf("filter %s: %v", c.Filter, err)
			}
			inSQL := len(page.Data) == 1
			if inSQL != memory || memory != c.Want {
				where, _ := s.where(collections[c.Item], ItemQuery{Params: &query.Params{Filter: f}, Env: query.CaseEnv})
				t.Errorf("filter %s on %s: SQL %v, memory %v, want %v\nSQL: %s %v", c.Filter, c.Item, inSQL, memory, c.Want, where.sql, where.args)
			}
		})
	}
}
